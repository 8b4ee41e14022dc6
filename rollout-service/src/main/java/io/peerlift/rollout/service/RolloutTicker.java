package io.peerlift.rollout.service;

import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

/**
 * What happens without an event: devices a rollout missed at its creation join, silent devices time out, failed
 * devices become due for their retry, and a restarted service resumes scheduling from the database. Each rollout is handled in its own transaction
 * under its lock, so replicas running the same tick do not interfere.
 */
@ApplicationScoped
public class RolloutTicker {

    private static final Logger LOG = Logger.getLogger(RolloutTicker.class);

    private final RolloutLifecycle lifecycle;
    private final DeviceProgress progress;
    private final Membership membership;

    RolloutTicker(RolloutLifecycle lifecycle, DeviceProgress progress, Membership membership) {
        this.lifecycle = lifecycle;
        this.progress = progress;
        this.membership = membership;
    }

    @Scheduled(every = "${peerlift.rollout.scheduler.tick}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        var ids = QuarkusTransaction.requiringNew().call(() -> Rollout.idsInStates(
                EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.PAUSED_ON_ERRORS)));
        for (String id : ids) {
            try {
                QuarkusTransaction.requiringNew().run(() -> tick(id, Instant.now()));
            } catch (RuntimeException e) {
                LOG.warnf(e, "tick of rollout %s failed; the next tick tries again", id);
            }
        }
    }

    private void tick(String rolloutId, Instant now) {
        Rollout rollout = Rollout.lock(rolloutId);
        if (rollout == null || rollout.state.isFinished() || rollout.state == RolloutState.CREATED) {
            return;
        }
        membership.takeInMissed(rollout);
        Instant silentSince = now.minus(Duration.ofSeconds(rollout.deviceTimeoutSeconds));
        for (RolloutDevice row : RolloutDevice.ofRollout(rolloutId, DeviceState.ACTIVE)) {
            if (row.lastActivityAt != null && row.lastActivityAt.isBefore(silentSince)) {
                progress.fail(rollout, row, "timed out: no event for " + rollout.deviceTimeoutSeconds
                        + " s while " + row.state, now);
            }
        }
        if (rollout.state == RolloutState.RUNNING) {
            lifecycle.scheduleAll(rollout, now);
        } else {
            lifecycle.checkProgress(rollout, now);
        }
    }
}
