package io.peerlift.rollout.rest;

import io.peerlift.rollout.service.status.BoardPage;
import io.peerlift.rollout.service.status.BoardQuery;
import io.peerlift.rollout.service.status.BoardView;
import io.peerlift.rollout.service.status.FleetBoard;
import io.peerlift.rollout.service.status.SubnetDetail;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;

/**
 * The fleet view of a rollout, from the status topic: its subnets sorted, filtered and paged on the server, and
 * one subnet in detail. The stream at {@code /api/rollouts/stream} carries the same, live.
 */
@RolesAllowed(Roles.VIEWER)
@Path("/api/rollouts/{id}/board")
public class BoardResource {

    private final FleetBoard board;

    BoardResource(FleetBoard board) {
        this.board = board;
    }

    /**
     * A page of subnets: {@code sort} by ratio (default, worst first), state, upgraded, peers, stalled_since,
     * failures, wan_bytes or subnet, {@code dir} asc or desc; only those in {@code state} (comma-separated:
     * WAITING, SEEDING, SPREADING, PENDING, DONE), {@code stalled}, with {@code failed} devices, whose address
     * contains {@code q}, at least {@code minRatio} times slower than the ideal; {@code offset}, {@code limit}
     * (1..50, default 25).
     */
    @GET
    public BoardPage page(@RestPath String id, @RestQuery String sort, @RestQuery String dir,
                          @RestQuery String state, @RestQuery Boolean stalled, @RestQuery Boolean failed,
                          @RestQuery String q, @RestQuery Double minRatio, @RestQuery Integer offset,
                          @RestQuery Integer limit) {
        BoardQuery query = query(sort, dir, state, stalled, failed, q, minRatio, offset, limit);
        return view(id).page(query);
    }

    /** One subnet of the rollout in detail: its row, its medians, and its peers over time against the ideal. */
    @GET
    @Path("/subnet")
    public SubnetDetail subnet(@RestPath String id, @RestQuery String subnet) {
        if (subnet == null || subnet.isBlank()) {
            throw new InvalidInputException("subnet is required, e.g. ?subnet=10.1.2.0/24");
        }
        SubnetDetail detail = view(id).detail(subnet);
        if (detail == null) {
            throw new NotFoundException("rollout " + id + " has no subnet " + subnet);
        }
        return detail;
    }

    static BoardQuery query(String sort, String dir, String state, Boolean stalled, Boolean failed, String q,
                            Double minRatio, Integer offset, Integer limit) {
        try {
            return BoardQuery.parse(sort, dir, state, stalled, failed, q, minRatio, offset, limit);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    private BoardView view(String id) {
        return board.view(id, Instant.now()).orElseThrow(() -> new NotFoundException(
                "no status of rollout " + id + " yet (a rollout publishes its first status once it is created)"));
    }
}
