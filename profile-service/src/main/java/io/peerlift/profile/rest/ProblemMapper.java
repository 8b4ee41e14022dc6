package io.peerlift.profile.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.peerlift.profile.domain.ConflictException;
import io.peerlift.profile.domain.InvalidInputException;
import io.peerlift.profile.domain.NotFoundException;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.util.List;

/** Every error of the API as an RFC 9457 problem detail with a detail that says what to fix. */
public class ProblemMapper {

    private static final String TYPE_PREFIX = "urn:peerlift:problem:";

    @ServerExceptionMapper
    public RestResponse<Problem> invalidInput(InvalidInputException e, UriInfo uri) {
        return problem(Response.Status.BAD_REQUEST, "invalid-input", "Invalid input", e.getMessage(), uri,
                e.violations());
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unreadableBody(JsonProcessingException e, UriInfo uri) {
        return problem(Response.Status.BAD_REQUEST, "invalid-input", "Invalid input",
                "the request body is not valid JSON for this operation: " + e.getOriginalMessage(), uri, null);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> notFound(NotFoundException e, UriInfo uri) {
        return problem(Response.Status.NOT_FOUND, "not-found", "Not found", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> conflict(ConflictException e, UriInfo uri) {
        return problem(Response.Status.CONFLICT, "conflict", "Conflict", e.getMessage(), uri, null);
    }

    /** A unique index caught what the service's own check missed: a concurrent request created the same thing. */
    @ServerExceptionMapper
    public RestResponse<Problem> duplicate(ConstraintViolationException e, UriInfo uri) {
        return problem(Response.Status.CONFLICT, "conflict", "Conflict",
                "the change conflicts with a concurrent one (" + e.getConstraintName() + "); reload and retry", uri,
                null);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> concurrentChange(OptimisticLockException e, UriInfo uri) {
        return problem(Response.Status.CONFLICT, "concurrent-change", "Concurrent change",
                "a device changed while the request ran (a device event arrived); retry the request", uri, null);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> http(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadableBody(unreadable, uri);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        String detail = switch (status.getStatusCode()) {
            case 404 -> "no resource at " + uri.getRequestUri().getRawPath();
            case 405 -> "the method is not allowed at " + uri.getRequestUri().getRawPath() + "; allowed: "
                    + String.join(", ", e.getResponse().getAllowedMethods());
            case 415 -> "the request body must be " + MediaType.APPLICATION_JSON;
            default -> e.getMessage();
        };
        return problem(status, null, status.getReasonPhrase(), detail, uri, null);
    }

    private static RestResponse<Problem> problem(Response.StatusType status, String type, String title, String detail,
                                                 UriInfo uri, List<String> errors) {
        Problem problem = new Problem(type == null ? URI.create("about:blank") : URI.create(TYPE_PREFIX + type),
                title, status.getStatusCode(), detail, URI.create(uri.getRequestUri().getRawPath()), errors);
        return RestResponse.ResponseBuilder.<Problem>create(status.getStatusCode())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }
}
