package io.peerlift.rollout.service;

import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;

/** The moves of one device through a rollout that more than one caller makes: commanding and failing. */
@ApplicationScoped
public class DeviceProgress {

    private final CommandOutbox outbox;
    private final RolloutMetrics metrics;
    private final RolloutConfig config;

    DeviceProgress(CommandOutbox outbox, RolloutMetrics metrics, RolloutConfig config) {
        this.outbox = outbox;
        this.metrics = metrics;
        this.config = config;
    }

    /** Counts the next attempt and queues its Upgrade, in this transaction. */
    public void command(Rollout rollout, RolloutDevice row, SourcePolicy policy, Instant now) {
        row.attempts++;
        row.commandPolicy = policy;
        row.source = null;
        row.commandedAt = now;
        row.lastActivityAt = now;
        row.retryAt = null;
        moveTo(row, DeviceState.COMMANDED);
        outbox.queueUpgrade(rollout, row, policy, now);
    }

    /** The attempt failed: back to PENDING after a backoff while retries remain, FAILED otherwise. */
    public void fail(Rollout rollout, RolloutDevice row, String reason, Instant now) {
        row.failureReason = reason;
        if (row.attempts <= rollout.retryLimit) {
            row.retryAt = now.plus(backoff(row.attempts));
            moveTo(row, DeviceState.PENDING);
        } else {
            row.finishedAt = now;
            moveTo(row, DeviceState.FAILED);
        }
    }

    public void moveTo(RolloutDevice row, DeviceState state) {
        if (row.state != state) {
            row.state = state;
            metrics.deviceReached(state);
        }
    }

    private Duration backoff(int attempts) {
        Duration base = config.scheduler().retryBackoff();
        Duration grown = base.multipliedBy(1L << Math.min(attempts - 1, 20));
        return grown.compareTo(config.scheduler().maxRetryBackoff()) > 0 ? config.scheduler().maxRetryBackoff() : grown;
    }
}
