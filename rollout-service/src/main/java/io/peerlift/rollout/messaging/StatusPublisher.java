package io.peerlift.rollout.messaging;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.Topics;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.management.RolloutArchived;
import io.peerlift.rollout.service.scheduling.RolloutChanged;
import io.peerlift.rollout.service.status.StatusRecords;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the status records of {@link Topics#ROLLOUT_STATUS}: every {@code status.min-interval}, for each
 * rollout that changed, its summary and a record of each subnet that changed, and at once after a state change.
 * So the rate is bounded by the number of subnets, not the number of events, and each record is small. A
 * subnet's record carries the version its writers raised; the summary's is raised by the publication, in a
 * short transaction of its own. Publications of a rollout take turns under an advisory lock, so the records of
 * one key leave in version order whichever replica publishes, and a publication waiting for Kafka holds neither
 * a subnet's lock nor the rollout's. An archived rollout is taken off the topic: a tombstone for each of its keys,
 * under the same lock, after which nothing of it is published (unless retry-failed brings it back).
 */
@ApplicationScoped
public class StatusPublisher {

    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);
    /** Identifies, with the rollout, the advisory lock of its publication. */
    private static final int STATUS_LOCK = 0x5354_4154;
    /** A finished rollout's records still change this long (its last peers), so they are looked at as long. */
    private static final Duration SETTLED_AFTER_FINISH = Duration.ofHours(1);
    /** Subnet records per publication of one rollout; the rest go out at the next interval. */
    private static final int SUBNETS_PER_PUBLICATION = 2000;

    private final Emitter<Record<String, String>> statuses;
    private final RolloutConfig config;
    private final RolloutMetrics metrics;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "rollout-status");
        thread.setDaemon(true);
        return thread;
    });

    StatusPublisher(@Channel("rollout-status") Emitter<Record<String, String>> statuses, RolloutConfig config,
                    RolloutMetrics metrics) {
        this.statuses = statuses;
        this.config = config;
        this.metrics = metrics;
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) RolloutChanged changed) {
        if (!worker.isShutdown()) {
            worker.execute(() -> publishQuietly(changed.rolloutId()));
        }
    }

    void onArchive(@Observes(during = TransactionPhase.AFTER_SUCCESS) RolloutArchived archived) {
        if (!worker.isShutdown()) {
            worker.execute(() -> {
                try {
                    QuarkusTransaction.requiringNew().run(() -> deleteRecords(archived.rolloutId()));
                } catch (RuntimeException e) {
                    LOG.warnf(e, "deleting the status records of archived rollout %s failed; the fleet view still"
                            + " shows it", archived.rolloutId());
                }
            });
        }
    }

    @Scheduled(every = "${peerlift.rollout.status.min-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void publishChanged() {
        List<String> rollouts = QuarkusTransaction.requiringNew().call(() -> Rollout.withUnpublishedStatus(
                Instant.now().minus(SETTLED_AFTER_FINISH)));
        if (!rollouts.isEmpty() && !worker.isShutdown()) {
            worker.execute(() -> rollouts.forEach(this::publishQuietly));
        }
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void publishQuietly(String rolloutId) {
        try {
            QuarkusTransaction.requiringNew().run(() -> publish(rolloutId));
        } catch (RuntimeException e) {
            LOG.warnf(e, "publishing the status of rollout %s failed; it goes out at the next interval", rolloutId);
        }
    }

    private void publish(String rolloutId) {
        Object locked = Rollout.getEntityManager()
                .createNativeQuery("select pg_try_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, STATUS_LOCK)
                .setParameter(2, rolloutId)
                .getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return;
        }
        List<RolloutSubnet> changed = RolloutSubnet.withUnpublishedStatus(rolloutId, SUBNETS_PER_PUBLICATION);
        // The rollout's row is locked only for this short transaction, never while the records are sent: the
        // take-in and the reconciler lock it too. A change made meanwhile raises the flag again for the next one.
        OptionalLong version = QuarkusTransaction.requiringNew()
                .call(() -> Rollout.takeStatusChange(rolloutId, !changed.isEmpty()));
        if (version.isEmpty()) {
            return;
        }
        Rollout rollout = Rollout.findById(rolloutId);
        if (rollout.archivedAt != null) {
            return; // its records were deleted from the topic (deleteRecords), none go out again
        }
        Instant now = Instant.now();
        RolloutSubnet.markPublished(changed);
        List<RolloutStatus> records = new ArrayList<>(StatusRecords.subnets(rollout, changed, now));
        records.add(StatusRecords.summary(rollout, version.getAsLong(), now));
        try {
            CompletableFuture.allOf(records.stream().map(this::send).toArray(CompletableFuture[]::new))
                    .orTimeout(30, TimeUnit.SECONDS).join();
        } catch (RuntimeException notSent) {
            // The subnets' marks roll back with this transaction; the summary's flag was taken in its own.
            QuarkusTransaction.requiringNew().run(() -> Rollout.markStatusChanged(rolloutId));
            throw notSent;
        }
    }

    /** Tombstones for the summary and every subnet of the rollout: compaction deletes them, readers forget them. */
    private void deleteRecords(String rolloutId) {
        // Waits for a publication under way: its records reach the topic before the tombstones.
        Rollout.getEntityManager().createNativeQuery("select pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, STATUS_LOCK)
                .setParameter(2, rolloutId)
                .getSingleResult();
        List<String> keys = new ArrayList<>(RolloutSubnet.publishedSubnets(rolloutId).stream()
                .map(subnet -> RolloutStatus.subnetKey(rolloutId, subnet)).toList());
        keys.add(rolloutId);
        CompletableFuture.allOf(keys.stream()
                        .map(key -> statuses.send(Record.<String, String>of(key, null)).toCompletableFuture())
                        .toArray(CompletableFuture[]::new))
                .orTimeout(30, TimeUnit.SECONDS).join();
    }

    private CompletableFuture<Void> send(RolloutStatus status) {
        String json = EventCodec.encode(status);
        metrics.statusRecordPublished(status.getClass().getSimpleName(), json.getBytes(StandardCharsets.UTF_8).length);
        return statuses.send(Record.of(status.key(), json)).toCompletableFuture();
    }
}
