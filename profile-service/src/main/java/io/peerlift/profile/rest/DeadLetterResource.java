package io.peerlift.profile.rest;

import io.peerlift.profile.service.DeadLetterReplay;
import io.peerlift.support.audit.Audited;
import io.peerlift.support.security.Roles;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The platform's dead-letter topics, for an admin: a replay sends their records back once the cause is fixed. */
@RolesAllowed(Roles.ADMIN)
@Audited
@Path("/api/admin/dead-letters")
@Tag(name = "Dead letters")
public class DeadLetterResource {

    private final DeadLetterReplay replay;

    DeadLetterResource(DeadLetterReplay replay) {
        this.replay = replay;
    }

    @POST
    @Path("/{topic}/replay")
    @Blocking
    @Operation(summary = "Replay a dead-letter topic", description = "Sends every record parked on <topic>.dlq since "
            + "the last replay back to <topic> (e.g. peerlift.device-events), unchanged; the consumers are idempotent. "
            + "A record that is still poison is parked again. 404 for a topic outside the contract.")
    public DeadLetterReplay.Replayed replay(@PathParam("topic") String topic) {
        return replay.replay(topic);
    }
}
