package io.peerlift.rollout.service.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.peerlift.events.RolloutStatus;

import java.time.Instant;
import java.util.List;

/**
 * One event of the fleet view's stream: only the parts that changed since the stream's previous frame, the
 * others absent. {@code page} lists the subnets of the table's page in order; {@code rows} carries those of
 * them whose row changed (the browser keeps the others). {@code forgotten} names the stream's rollout once the
 * board no longer has it (it was archived).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamFrame(List<RolloutLine> rollouts, RolloutStatus.Summary summary, RolloutIdeal ideal,
                          Growth growth, PageInfo page, List<SubnetRow> rows, SubnetDetail detail,
                          String forgotten) {

    boolean isEmpty() {
        return rollouts == null && summary == null && ideal == null && growth == null && page == null
                && rows == null && detail == null && forgotten == null;
    }

    /** A rollout in the list of rollouts. */
    public record RolloutLine(String rolloutId, String app, String targetVersion, String state, int devices,
                              int upgraded, int failed, int subnets, Instant createdAt) {

        static RolloutLine of(RolloutStatus.Summary s) {
            return new RolloutLine(s.rolloutId(), s.app(), s.targetVersion(), s.state(),
                    s.deviceCounts().values().stream().mapToInt(Integer::intValue).sum(),
                    s.deviceCounts().getOrDefault("UPGRADED", 0), s.deviceCounts().getOrDefault("FAILED", 0),
                    s.subnets(), s.createdAt());
        }
    }

    /** The table's page: subnets that pass the filter, where the page starts, and its subnets in order. */
    public record PageInfo(int total, int offset, int limit, String sort, String dir, List<String> subnets) {
    }
}
