package io.peerlift.rollout.service.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.peerlift.rollout.domain.DeviceCounts;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code peerlift_rollout_devices{rollout, subnet, state}}: the devices of each open (or recently finished, and
 * not archived) rollout per subnet and state, read from the subnets' counts. Every replica reports the same database-wide
 * values, so dashboards aggregate them with {@code max}, not {@code sum}, across pods.
 */
@ApplicationScoped
public class DeviceGauges {

    /** How long a finished rollout stays on the gauge, so its final picture can still be looked at. */
    private static final Duration FINISHED_VISIBLE = Duration.ofDays(1);

    private final MultiGauge devices;

    DeviceGauges(MeterRegistry registry) {
        devices = MultiGauge.builder("peerlift.rollout.devices")
                .description("Devices of a rollout in each state, per subnet")
                .register(registry);
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        List<Object[]> subnets = QuarkusTransaction.requiringNew().call(() -> RolloutSubnet.getEntityManager()
                .createQuery("select s.rolloutId, s.subnet, s.counts from RolloutSubnet s, Rollout r"
                        + " where r.id = s.rolloutId and (r.state not in ?1 or r.finishedAt > ?2)"
                        + " and r.archivedAt is null", Object[].class)
                .setParameter(1, RolloutState.finished())
                .setParameter(2, Instant.now().minus(FINISHED_VISIBLE))
                .getResultList());
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Object[] subnet : subnets) {
            DeviceCounts counts = (DeviceCounts) subnet[2];
            for (DeviceState state : DeviceState.values()) {
                if (counts.of(state) > 0) {
                    rows.add(MultiGauge.Row.of(Tags.of("rollout", (String) subnet[0],
                            "subnet", subnet[1] == null ? "unknown" : (String) subnet[1], "state", state.name()),
                            counts.of(state)));
                }
            }
        }
        devices.register(rows, true);
    }
}
