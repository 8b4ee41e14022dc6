package io.peerlift.rollout.messaging;

import io.peerlift.rollout.domain.OutboxCommand;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.RolloutTouched;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Relays committed commands to {@code peerlift.device-commands}, oldest first, and marks them published once
 * the broker acknowledged them. A crash between the two re-sends the same command (same command id and
 * attempt), which a device recognises as a re-delivery, never as a new Upgrade. One relay runs at a time across
 * all replicas (a transaction-scoped advisory lock), so a device's commands keep their order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Identifies the relay's advisory lock among others in the database. */
    private static final long RELAY_LOCK = 0x5045_4552_4c49_4654L;
    private static final int BATCH = 200;

    @Inject
    @Channel("device-commands")
    Emitter<String> commands;

    @Inject
    RolloutMetrics metrics;

    private final ScheduledExecutorService worker = Workers.single("outbox-relay");
    private final AtomicBoolean queued = new AtomicBoolean();

    /** A transaction that may have queued commands committed: relay them now rather than at the next poll. */
    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) RolloutTouched touched) {
        requestRelay();
    }

    /** Catches what an earlier relay could not send, and the commands a previous process left behind. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        requestRelay();
    }

    private void requestRelay() {
        if (queued.compareAndSet(false, true)) {
            worker.execute(() -> {
                queued.set(false);
                relayAll();
            });
        }
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void relayAll() {
        try {
            while (QuarkusTransaction.requiringNew().call(this::relayBatch) == BATCH) {
                // A full batch: more may be waiting.
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "relaying device commands failed; the next poll retries");
        }
    }

    private int relayBatch() {
        Object locked = OutboxCommand.getEntityManager()
                .createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                .setParameter(1, RELAY_LOCK)
                .getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return 0;
        }
        List<OutboxCommand> batch = OutboxCommand.unpublished(BATCH);
        List<CompletableFuture<Void>> sent = batch.stream()
                .map(c -> KafkaSend.keyed(commands, c.subnet, c.payload))
                .toList();
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        Instant now = Instant.now();
        batch.forEach(c -> c.publishedAt = now);
        metrics.commandsPublished(batch.size());
        return batch.size();
    }
}
