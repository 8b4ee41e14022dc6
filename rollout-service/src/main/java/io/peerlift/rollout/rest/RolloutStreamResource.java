package io.peerlift.rollout.rest;

import io.peerlift.events.RolloutStatus;
import io.peerlift.rollout.messaging.RolloutStatusFeed;
import io.peerlift.support.security.Roles;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Rollout snapshots as Server-Sent Events, what the dashboard at {@code /} listens to. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/rollouts/stream")
public class RolloutStreamResource {

    private final RolloutStatusFeed feed;

    RolloutStreamResource(RolloutStatusFeed feed) {
        this.feed = feed;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live rollout snapshots",
            description = "First the latest snapshot of every rollout, then each new snapshot as it is published; "
                    + "a snapshot is complete, so a client keeps only the one with the highest version per rollout.")
    public Multi<RolloutStatus> stream() {
        return feed.subscribe();
    }
}
