package io.peerlift.rollout.service.scheduling;

import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.service.facts.FactsRecorded;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the reconciler ({@link RolloutExecutor}) over every active rollout, and over finished ones while they
 * follow their peers: at once after events were recorded, and at every tick for what the clock makes due. A
 * few worker threads pass at the same time; they never plan the same subnet, since each claims its own.
 * Requests that arrive during a pass are folded into one more pass.
 */
@ApplicationScoped
public class RolloutScheduler {

    private static final Logger LOG = Logger.getLogger(RolloutScheduler.class);

    private final RolloutExecutor executor;
    private final RolloutConfig config;
    private final ExecutorService workers;
    private final Worker[] slots;

    RolloutScheduler(RolloutExecutor executor, RolloutConfig config) {
        this.executor = executor;
        this.config = config;
        int count = Math.max(1, config.scheduler().workers());
        this.workers = Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, "rollout-reconciler");
            thread.setDaemon(true);
            return thread;
        });
        this.slots = new Worker[count];
        for (int i = 0; i < count; i++) {
            slots[i] = new Worker();
        }
    }

    @Scheduled(every = "${peerlift.rollout.scheduler.tick}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        request(true);
    }

    void onRecorded(@Observes(during = TransactionPhase.AFTER_SUCCESS) FactsRecorded recorded) {
        request(false);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void request(boolean tick) {
        for (Worker worker : slots) {
            worker.request(tick);
        }
    }

    /** One reconciler thread: passes while passes are requested, one at a time. */
    private final class Worker {
        private final AtomicBoolean requested = new AtomicBoolean();
        private final AtomicBoolean tickRequested = new AtomicBoolean();
        private final AtomicBoolean running = new AtomicBoolean();

        void request(boolean tick) {
            if (tick) {
                tickRequested.set(true);
            }
            requested.set(true);
            if (running.compareAndSet(false, true) && !workers.isShutdown()) {
                workers.execute(this::run);
            }
        }

        private void run() {
            try {
                while (requested.getAndSet(false)) {
                    pass(tickRequested.getAndSet(false));
                }
            } finally {
                running.set(false);
            }
            if (requested.get() && running.compareAndSet(false, true) && !workers.isShutdown()) {
                workers.execute(this::run);
            }
        }
    }

    private void pass(boolean tick) {
        List<String> rollouts;
        try {
            rollouts = QuarkusTransaction.requiringNew().call(() -> Rollout.idsInStatesOrFinishedWithin(
                    RolloutState.active(), config.scheduler().peersFollowedAfterFinish(), Instant.now()));
        } catch (RuntimeException e) {
            LOG.warnf(e, "listing the active rollouts failed; the next pass tries again");
            return;
        }
        for (String rolloutId : rollouts) {
            try {
                executor.execute(rolloutId, tick ? RolloutExecutor.Pass.TICK : RolloutExecutor.Pass.EVENTS);
            } catch (RuntimeException e) {
                LOG.warnf(e, "reconciling rollout %s failed; the next pass tries again", rolloutId);
            }
        }
    }
}
