package io.peerlift.rollout.messaging;

import io.peerlift.rollout.domain.OutboxCommand;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.scheduling.CommandsQueued;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Relays committed commands to {@code peerlift.device-commands}, oldest first, and marks them published once
 * the broker acknowledged them. A crash between the two re-sends the same command (same command id and
 * attempt), which a device recognises as a re-delivery, never as a new Upgrade. One relay runs at a time across
 * all replicas (a transaction-scoped advisory lock), so a device's commands keep their order; a replica that
 * finds the lock taken tries again a moment later, so that no command waits for the next poll.
 */
@ApplicationScoped
public class CommandRelay {

    private static final Logger LOG = Logger.getLogger(CommandRelay.class);
    /** Identifies the relay's advisory lock among others in the database. */
    private static final long RELAY_LOCK = 0x5045_4552_4c49_4654L;
    private static final int BATCH = 500;
    private static final long BUSY_RETRY_MILLIS = 20;

    private final Emitter<Record<String, String>> commands;
    private final RolloutMetrics metrics;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "command-relay");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean queued = new AtomicBoolean();

    CommandRelay(@Channel("device-commands") Emitter<Record<String, String>> commands, RolloutMetrics metrics) {
        this.commands = commands;
        this.metrics = metrics;
    }

    /** A transaction that queued commands committed: relay them now rather than at the next poll. */
    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) CommandsQueued queuedCommands) {
        requestRelay(0);
    }

    /** Catches what an earlier relay could not send, and the commands a previous process left behind. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void poll() {
        requestRelay(0);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void requestRelay(long delayMillis) {
        if (queued.compareAndSet(false, true) && !worker.isShutdown()) {
            worker.schedule(() -> {
                queued.set(false);
                relayAll();
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void relayAll() {
        try {
            int relayed;
            do {
                relayed = QuarkusTransaction.requiringNew().call(this::relayBatch);
            } while (relayed == BATCH);
            if (relayed < 0) {
                requestRelay(BUSY_RETRY_MILLIS);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "relaying device commands failed; the next poll retries");
        }
    }

    /** The commands relayed, or -1 when another replica's relay holds the lock. */
    private int relayBatch() {
        Object locked = OutboxCommand.getEntityManager()
                .createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                .setParameter(1, RELAY_LOCK)
                .getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return OutboxCommand.hasUnpublished() ? -1 : 0;
        }
        List<OutboxCommand> batch = OutboxCommand.unpublished(BATCH);
        CompletableFuture.allOf(batch.stream()
                        .map(c -> commands.send(Record.of(c.subnet, c.payload)).toCompletableFuture())
                        .toArray(CompletableFuture[]::new))
                .orTimeout(30, TimeUnit.SECONDS).join();
        Instant now = Instant.now();
        batch.forEach(c -> c.publishedAt = now);
        metrics.commandsPublished(batch.size());
        return batch.size();
    }
}
