package io.peerlift.profile.rest;

import io.peerlift.support.problem.Problem;
import io.peerlift.support.problem.ProblemMappers;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.core.UriInfo;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The database's refusals as problems; every other error is mapped by the shared {@link ProblemMappers}.
 */
public class ProblemMapper {

    /** A unique index caught what the service's own check missed: a concurrent request created the same thing. */
    @ServerExceptionMapper
    public RestResponse<Problem> duplicate(ConstraintViolationException e, UriInfo uri) {
        return ProblemMappers.respond(Problem.of(409, "conflict", "Conflict",
                "the change conflicts with a concurrent one (" + e.getConstraintName() + "); reload and retry",
                ProblemMappers.path(uri), null));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> concurrentChange(OptimisticLockException e, UriInfo uri) {
        return ProblemMappers.respond(Problem.of(409, "concurrent-change", "Concurrent change",
                "a device changed while the request ran (a device event arrived); retry the request",
                ProblemMappers.path(uri), null));
    }
}
