package io.peerlift.rollout.messaging;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.Topics;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.service.RolloutTouched;
import io.peerlift.rollout.service.StatusSnapshots;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes complete {@link RolloutStatus} snapshots to {@link Topics#ROLLOUT_STATUS}, keyed by rollout id: at
 * once after a state change, otherwise at most once per {@code peerlift.rollout.status.min-interval} per rollout
 * however many events change it. One thread publishes, so a rollout's snapshots leave in version order.
 */
@ApplicationScoped
public class StatusPublisher {

    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

    @Inject
    @Channel("rollout-status")
    Emitter<String> statuses;

    @Inject
    StatusSnapshots snapshots;

    @Inject
    RolloutConfig config;

    private final ScheduledExecutorService worker = Workers.single("rollout-status");
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastPublished = new ConcurrentHashMap<>();

    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) RolloutTouched touched) {
        String rolloutId = touched.rolloutId();
        if (touched.stateChanged()) {
            worker.execute(() -> publish(rolloutId));
        } else if (scheduled.add(rolloutId)) {
            Instant last = lastPublished.getOrDefault(rolloutId, Instant.EPOCH);
            long delay = Math.max(0, Duration.between(Instant.now(), last.plus(config.status().minInterval())).toMillis());
            worker.schedule(() -> {
                scheduled.remove(rolloutId);
                publish(rolloutId);
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void publish(String rolloutId) {
        lastPublished.put(rolloutId, Instant.now());
        try {
            RolloutStatus status = QuarkusTransaction.requiringNew().call(() -> {
                Rollout.update("statusVersion = statusVersion + 1 where id = ?1", rolloutId);
                Rollout rollout = Rollout.findById(rolloutId);
                return rollout == null ? null : snapshots.snapshot(rollout, rollout.statusVersion);
            });
            if (status != null) {
                KafkaSend.keyed(statuses, rolloutId, EventCodec.encode(status)).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warnf(e, "publishing the status of rollout %s failed; it goes out with the next change", rolloutId);
        }
    }
}
