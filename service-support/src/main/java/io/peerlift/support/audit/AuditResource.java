package io.peerlift.support.audit;

import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.security.Roles;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The audit trail of this service, for admins. */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@IfBuildProperty(name = "peerlift.audit.enabled", stringValue = "true")
public class AuditResource {

    static final int MAX_PAGE_SIZE = 500;

    private final AuditTrail trail;

    public AuditResource(AuditTrail trail) {
        this.trail = trail;
    }

    @GET
    @Operation(summary = "Who changed what and when, newest first",
            description = "Every successful change of this service's API: the token's subject and name, its roles, "
                    + "the HTTP method and path, the time. page counts from 0; size is 1 to 500.")
    public AuditPage list(@QueryParam("page") @DefaultValue("0") int page,
                          @QueryParam("size") @DefaultValue("50") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new InvalidInputException("page must be 0 or more and size 1 to " + MAX_PAGE_SIZE + "; got page "
                    + page + ", size " + size);
        }
        return trail.page(page, size);
    }
}
