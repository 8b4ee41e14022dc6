package io.peerlift.rollout.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code peerlift_rollout_devices{rollout, subnet, state}}: the devices of each open (or recently finished)
 * rollout per subnet and state, read from the database. Every replica reports the same database-wide values,
 * so dashboards aggregate them with {@code max}, not {@code sum}, across pods.
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
        List<Object[]> counts = QuarkusTransaction.requiringNew().call(() -> RolloutDevice.getEntityManager()
                .createQuery("select d.rolloutId, d.subnet, d.state, count(d) from RolloutDevice d, Rollout r"
                        + " where r.id = d.rolloutId and (r.state in ?1 or r.finishedAt > ?2)"
                        + " group by d.rolloutId, d.subnet, d.state", Object[].class)
                .setParameter(1, RolloutState.open())
                .setParameter(2, Instant.now().minus(FINISHED_VISIBLE))
                .getResultList());
        devices.register(counts.stream()
                .map(row -> MultiGauge.Row.of(Tags.of("rollout", (String) row[0],
                                "subnet", row[1] == null ? "unknown" : (String) row[1],
                                "state", row[2].toString()),
                        (Number) row[3]))
                .toList(), true);
    }
}
