package io.peerlift.rollout.service.scheduling;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.EventCodec;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.OutboxCommand;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.service.RolloutMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Instant;
import java.util.UUID;

/**
 * Records commands in the transaction that decides them; the relay sends them after commit. The unique key of
 * (rollout, device, kind, attempt) makes a second Upgrade for the same attempt impossible.
 */
@ApplicationScoped
public class CommandOutbox {

    private final RolloutConfig config;
    private final RolloutMetrics metrics;
    private final Event<CommandsQueued> queued;

    CommandOutbox(RolloutConfig config, RolloutMetrics metrics, Event<CommandsQueued> queued) {
        this.config = config;
        this.metrics = metrics;
        this.queued = queued;
    }

    /** Queues the Upgrade of the device's current attempt, which {@code row} already names. */
    public void queueUpgrade(Rollout rollout, RolloutDevice row, Instant now) {
        SourcePolicy policy = row.commandPolicy;
        queue(new DeviceCommand.Upgrade(row.commandId, row.deviceId, row.subnet, now, rollout.id, rollout.app,
                rollout.version, rollout.manifestSha256, policy, config.repository().publicUrl(), row.attempts,
                rollout.releaseSignature == null ? null : ReleaseSignature.fromHeader(rollout.releaseSignature),
                now.plusSeconds(rollout.deviceTimeoutSeconds), rollout.distribution),
                OutboxCommand.UPGRADE);
        metrics.upgradeCommanded(policy, row.attempts);
    }

    /** Queues a Cancel of the device's current attempt. */
    public void queueCancel(Rollout rollout, RolloutDevice row, Instant now) {
        queue(new DeviceCommand.Cancel(UUID.randomUUID(), row.deviceId, row.subnet, now, rollout.id, row.attempts,
                now.plusSeconds(rollout.deviceTimeoutSeconds)),
                OutboxCommand.CANCEL);
        metrics.cancelCommanded();
    }

    private void queue(DeviceCommand command, String kind) {
        OutboxCommand row = new OutboxCommand();
        row.commandId = command.commandId();
        row.rolloutId = command.rolloutId();
        row.deviceId = command.deviceId();
        row.subnet = command.subnet();
        row.kind = kind;
        row.attempt = command.attempt();
        row.payload = EventCodec.encode(command);
        row.createdAt = command.issuedAt();
        row.persist();
        queued.fire(new CommandsQueued());
    }
}
