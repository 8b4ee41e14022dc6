package io.peerlift.rollout.rest;

import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.service.status.BoardStream;
import io.peerlift.rollout.service.status.FleetBoard;
import io.peerlift.support.security.Roles;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The fleet view as Server-Sent Events, what the dashboard at {@code /} listens to. */
@RolesAllowed(Roles.VIEWER)
@Path("/api/rollouts/stream")
public class RolloutStreamResource {

    /** How often a stream looks for changes; frames go out at most every {@code status.min-interval}. */
    private static final Duration TICK = Duration.ofMillis(250);

    private final FleetBoard board;
    private final RolloutConfig config;

    RolloutStreamResource(FleetBoard board, RolloutConfig config) {
        this.board = board;
        this.config = config;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "The fleet view, live",
            description = "Frames of what the browser shows: the list of rollouts and, with rollout, its summary, "
                    + "its ratio to the ideal, the growth chart, the page of subnets the table query selects (the "
                    + "parameters of GET /api/rollouts/{id}/board) and, with subnet, that subnet in detail. A "
                    + "frame carries only what changed since the previous one; frames go out at most once a "
                    + "second and within peerlift.rollout.status.stream-bytes-per-second.")
    public Multi<String> stream(@RestQuery String rollout, @RestQuery String sort, @RestQuery String dir,
                                @RestQuery String state, @RestQuery Boolean stalled, @RestQuery Boolean failed,
                                @RestQuery String q, @RestQuery Double minRatio, @RestQuery Integer offset,
                                @RestQuery Integer limit, @RestQuery String subnet) {
        BoardStream stream = new BoardStream(board, new BoardStream.Request(blankToNull(rollout),
                BoardResource.query(sort, dir, state, stalled, failed, q, minRatio, offset, limit),
                blankToNull(subnet)), config.status().minInterval(), config.status().streamBytesPerSecond());
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(TICK)
                .onOverflow().drop()
                .select().first(tick -> board.open())
                .map(tick -> stream.next(Instant.now()))
                .select().where(Optional::isPresent)
                .map(Optional::get);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
