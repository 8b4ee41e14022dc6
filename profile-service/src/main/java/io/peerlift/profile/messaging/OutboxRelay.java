package io.peerlift.profile.messaging;

import io.peerlift.profile.config.ProfileServiceConfig;
import io.peerlift.profile.domain.OutboxMessage;
import io.peerlift.profile.service.ConfigPublisher.OutboxWritten;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes the outbox to {@code peerlift.device-config}, keyed by device id, in id order (so in revision order
 * per device). A row is marked sent only once Kafka acknowledged it; after a failed send the rest of the batch
 * stays unsent and is sent again, in order, on the next run, so the newest revision is always the last one
 * written for a device. Runs after every commit that wrote rows, and on a schedule as a safety net.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** Transaction-scoped PostgreSQL advisory lock: one relay at a time across service instances. */
    private static final long RELAY_LOCK_KEY = 0x7065_6572_6c69_6674L;

    @Inject
    @Channel("device-config")
    Emitter<String> emitter;

    @Inject
    EntityManager entityManager;

    @Inject
    ManagedExecutor executor;

    @Inject
    ProfileServiceConfig config;

    @Inject
    MeterRegistry meters;

    private final ReentrantLock relaying = new ReentrantLock();
    private final AtomicBoolean nudged = new AtomicBoolean();
    private final AtomicLong unsent = new AtomicLong();
    private Counter published;

    @PostConstruct
    void registerMetrics() {
        published = Counter.builder("peerlift.profile.outbox.published")
                .description("Device configurations published to Kafka and acknowledged").register(meters);
        Gauge.builder("peerlift.profile.outbox.unsent", unsent, AtomicLong::get)
                .description("Device configurations committed but not yet acknowledged by Kafka").register(meters);
    }

    void onOutboxWritten(@Observes(during = TransactionPhase.AFTER_SUCCESS) OutboxWritten written) {
        if (!nudged.getAndSet(true)) {
            executor.execute(() -> {
                nudged.set(false);
                relayQuietly();
            });
        }
    }

    @Scheduled(every = "${peerlift.profile.outbox.relay-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void onSchedule() {
        relayQuietly();
    }

    @Scheduled(every = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void purgeSent() {
        Instant before = Instant.now().minus(config.outbox().retention());
        QuarkusTransaction.requiringNew().run(() -> OutboxMessage.delete("sentAt < ?1", before));
    }

    /**
     * Publishes every unsent row, batch by batch, until none is left or a send fails.
     *
     * @return the rows published
     */
    public int relay() {
        relaying.lock();
        try {
            int batchSize = config.outbox().batchSize();
            int total = 0;
            int sent;
            do {
                sent = QuarkusTransaction.requiringNew().call(() -> relayBatch(batchSize));
                total += sent;
                published.increment(sent);
            } while (sent == batchSize);
            unsent.set(QuarkusTransaction.requiringNew().call(() -> OutboxMessage.count("sentAt is null")));
            return total;
        } finally {
            relaying.unlock();
        }
    }

    private void relayQuietly() {
        try {
            relay();
        } catch (RuntimeException e) {
            LOG.warnf(e, "outbox relay failed; unsent configurations are retried in %s",
                    config.outbox().relayInterval());
        }
    }

    private int relayBatch(int batchSize) {
        if (!tryRelayLock()) {
            return 0;
        }
        List<OutboxMessage> batch = OutboxMessage.find("sentAt is null order by id").page(0, batchSize).list();
        List<CompletableFuture<Void>> acks = batch.stream().map(this::send).toList();
        long deadline = System.nanoTime() + config.outbox().ackTimeout().toNanos();
        Instant now = Instant.now();
        int sent = 0;
        for (; sent < batch.size(); sent++) {
            if (!awaitAck(acks.get(sent), deadline, batch.get(sent))) {
                break;
            }
            batch.get(sent).sentAt = now;
        }
        return sent;
    }

    private boolean tryRelayLock() {
        return (Boolean) entityManager.createNativeQuery("select pg_try_advisory_xact_lock(:key)")
                .setParameter("key", RELAY_LOCK_KEY)
                .getSingleResult();
    }

    private CompletableFuture<Void> send(OutboxMessage row) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        try {
            emitter.send(Message.of(row.payload)
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(row.deviceId).build())
                    .withAck(() -> {
                        ack.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        ack.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
        } catch (RuntimeException e) {
            ack.completeExceptionally(e);
        }
        return ack;
    }

    private static boolean awaitAck(CompletableFuture<Void> ack, long deadline, OutboxMessage row) {
        try {
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("configuration revision %d of %s not acknowledged by Kafka, retried later: %s",
                    row.revision, row.deviceId, e instanceof ExecutionException ? e.getCause() : "timeout");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
