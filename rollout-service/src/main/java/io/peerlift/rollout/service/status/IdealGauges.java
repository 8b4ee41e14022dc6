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
import java.util.List;

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
        rolloutRatio = MultiGauge.builder("peerlift.rollout.ideal.ratio")
                .description("How many times slower than its ideal spread a rollout is, at least (1 = ideal)")
                .register(registry);
        stalledSubnets = MultiGauge.builder("peerlift.rollout.subnets.stalled")
                .description("Subnets of a rollout where devices wait and nothing can move")
                .register(registry);
        subnetRatio = MultiGauge.builder("peerlift.rollout.subnet.ideal.ratio")
                .description("How many times slower than its ideal spread a subnet is, at least (1 = ideal)")
                .register(registry);
        subnetStalled = MultiGauge.builder("peerlift.rollout.subnet.stalled.seconds")
                .description("How long a stalled subnet has been stalled, in seconds")
                .register(registry);
        rolloutSwarmRatio = MultiGauge.builder("peerlift.rollout.swarm.ratio")
                .description("How many times T* + install + reboot a SWARM rollout has taken so far (1 = the bound)")
                .register(registry);
        subnetSwarmRatio = MultiGauge.builder("peerlift.rollout.subnet.swarm.ratio")
                .description("How many times T* + install + reboot a SWARM subnet has taken so far (1 = the bound)")
                .register(registry);
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        Instant now = Instant.now();
        List<MultiGauge.Row<?>> rollouts = new ArrayList<>();
        List<MultiGauge.Row<?>> stalled = new ArrayList<>();
        List<MultiGauge.Row<?>> subnets = new ArrayList<>();
        List<MultiGauge.Row<?>> stalledFor = new ArrayList<>();
        List<MultiGauge.Row<?>> rolloutsSwarm = new ArrayList<>();
        List<MultiGauge.Row<?>> subnetsSwarm = new ArrayList<>();
        for (RolloutStatus.Summary summary : board.summaries()) {
            if (summary.finishedAt() != null && summary.finishedAt().isBefore(now.minus(FINISHED_VISIBLE))) {
                continue;
            }
            BoardView view = board.view(summary.rolloutId(), now).orElse(null);
            if (view == null) {
                continue;
            }
            Tags rollout = Tags.of("rollout", summary.rolloutId());
            if (view.ideal().ratio() != null) {
                rollouts.add(MultiGauge.Row.of(rollout, view.ideal().ratio()));
            }
            if (view.ideal().swarmRatio() != null) {
                rolloutsSwarm.add(MultiGauge.Row.of(rollout, view.ideal().swarmRatio()));
            }
            stalled.add(MultiGauge.Row.of(rollout, view.ideal().stalledSubnets()));
            for (SubnetRow row : view.rows()) {
                Tags subnet = rollout.and("subnet", row.subnet());
                if (row.ratio() != null) {
                    subnets.add(MultiGauge.Row.of(subnet, row.ratio()));
                }
                if (row.swarmRatio() != null) {
                    subnetsSwarm.add(MultiGauge.Row.of(subnet, row.swarmRatio()));
                }
                if (row.stalledSince() != null) {
                    stalledFor.add(MultiGauge.Row.of(subnet,
                            Math.max(0, Duration.between(row.stalledSince(), now).toMillis() / 1000.0)));
                }
            }
        }
        rolloutRatio.register(rollouts, true);
        stalledSubnets.register(stalled, true);
        subnetRatio.register(subnets, true);
        subnetStalled.register(stalledFor, true);
        rolloutSwarmRatio.register(rolloutsSwarm, true);
        subnetSwarmRatio.register(subnetsSwarm, true);
    }
}
