package io.peerlift.rollout.service.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.peerlift.events.RolloutStatus;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet view's figures in {@code /q/metrics}, from the {@link FleetBoard}: per open (or recently finished)
 * rollout {@code peerlift_rollout_ideal_ratio{rollout}} and {@code peerlift_rollout_subnets_stalled{rollout}},
 * per subnet {@code peerlift_rollout_subnet_ideal_ratio{rollout, subnet}} and, while it is stalled,
 * {@code peerlift_rollout_subnet_stalled_seconds{rollout, subnet}}; for a SWARM rollout also the ratio to T*,
 * {@code peerlift_rollout_swarm_ratio{rollout}} and {@code peerlift_rollout_subnet_swarm_ratio{rollout, subnet}}. Every replica reads the same topic, so
 * dashboards aggregate them with {@code max} across pods.
 */
@ApplicationScoped
public class IdealGauges {

    /** How long a finished rollout stays on the gauges, as on {@code peerlift_rollout_devices}. */
    private static final Duration FINISHED_VISIBLE = Duration.ofDays(1);

    private final FleetBoard board;
    private final MultiGauge rolloutRatio;
    private final MultiGauge stalledSubnets;
    private final MultiGauge subnetRatio;
    private final MultiGauge subnetStalled;
    private final MultiGauge rolloutSwarmRatio;
    private final MultiGauge subnetSwarmRatio;

    IdealGauges(FleetBoard board, MeterRegistry registry) {
        this.board = board;
        rolloutRatio = gauge(registry, "peerlift.rollout.ideal.ratio",
                "How many times slower than its ideal spread a rollout is, at least (1 = ideal)");
        stalledSubnets = gauge(registry, "peerlift.rollout.subnets.stalled",
                "Subnets of a rollout where devices wait and nothing can move");
        subnetRatio = gauge(registry, "peerlift.rollout.subnet.ideal.ratio",
                "How many times slower than its ideal spread a subnet is, at least (1 = ideal)");
        subnetStalled = gauge(registry, "peerlift.rollout.subnet.stalled.seconds",
                "How long a stalled subnet has been stalled, in seconds");
        rolloutSwarmRatio = gauge(registry, "peerlift.rollout.swarm.ratio",
                "How many times T* + install + reboot a SWARM rollout has taken so far (1 = the bound)");
        subnetSwarmRatio = gauge(registry, "peerlift.rollout.subnet.swarm.ratio",
                "How many times T* + install + reboot a SWARM subnet has taken so far (1 = the bound)");
    }

    private static MultiGauge gauge(MeterRegistry registry, String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        Instant now = Instant.now();
        Rows rows = new Rows();
        for (RolloutStatus.Summary summary : board.summaries()) {
            if (summary.finishedAt() != null && summary.finishedAt().isBefore(now.minus(FINISHED_VISIBLE))) {
                continue;
            }
            BoardView view = board.view(summary.rolloutId(), now).orElse(null);
            if (view == null) {
                continue;
            }
            Tags rollout = Tags.of("rollout", summary.rolloutId());
            rows.add(rolloutRatio, rollout, view.ideal().ratio());
            rows.add(rolloutSwarmRatio, rollout, view.ideal().swarmRatio());
            rows.add(stalledSubnets, rollout, view.ideal().stalledSubnets());
            for (SubnetRow row : view.rows()) {
                Tags subnet = rollout.and("subnet", row.subnet());
                rows.add(subnetRatio, subnet, row.ratio());
                rows.add(subnetSwarmRatio, subnet, row.swarmRatio());
                if (row.stalledSince() != null) {
                    rows.add(subnetStalled, subnet,
                            Math.max(0, Duration.between(row.stalledSince(), now).toMillis() / 1000.0));
                }
            }
        }
        for (MultiGauge gauge : List.of(rolloutRatio, stalledSubnets, subnetRatio, subnetStalled, rolloutSwarmRatio,
                subnetSwarmRatio)) {
            gauge.register(rows.of(gauge), true);
        }
    }

    /** One refresh's rows per gauge; a value that is null (no ratio yet) is no row. */
    private static final class Rows {
        private final Map<MultiGauge, List<MultiGauge.Row<?>>> byGauge = new HashMap<>();

        void add(MultiGauge gauge, Tags tags, Number value) {
            if (value != null) {
                byGauge.computeIfAbsent(gauge, g -> new ArrayList<>()).add(MultiGauge.Row.of(tags, value));
            }
        }

        List<MultiGauge.Row<?>> of(MultiGauge gauge) {
            return byGauge.getOrDefault(gauge, List.of());
        }
    }
}
