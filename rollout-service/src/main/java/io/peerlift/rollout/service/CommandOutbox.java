package io.peerlift.rollout.service;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.EventCodec;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.OutboxCommand;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/** Records commands in the transaction that decides them; the relay sends them after commit. */
@ApplicationScoped
public class CommandOutbox {

    private final RolloutConfig config;
    private final RolloutMetrics metrics;

    CommandOutbox(RolloutConfig config, RolloutMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Queues the Upgrade for the device's current attempt ({@code row.attempts}). */
    public void queueUpgrade(Rollout rollout, RolloutDevice row, SourcePolicy policy, Instant now) {
        DeviceCommand.Upgrade upgrade = new DeviceCommand.Upgrade(UUID.randomUUID(), row.deviceId, row.subnet, now,
                rollout.id, rollout.app, rollout.version, rollout.manifestSha256, policy,
                config.repository().publicUrl(), row.attempts);
        queue(upgrade, OutboxCommand.UPGRADE, row.attempts);
        metrics.upgradeCommanded(policy, row.attempts);
    }

    public void queueCancel(Rollout rollout, RolloutDevice row, Instant now) {
        queue(new DeviceCommand.Cancel(UUID.randomUUID(), row.deviceId, row.subnet, now, rollout.id, row.attempts),
                OutboxCommand.CANCEL, row.attempts);
        metrics.cancelCommanded();
    }

    private void queue(DeviceCommand command, String kind, int attempt) {
        OutboxCommand row = new OutboxCommand();
        row.commandId = command.commandId();
        row.rolloutId = command.rolloutId();
        row.deviceId = command.deviceId();
        row.subnet = command.subnet();
        row.kind = kind;
        row.attempt = attempt;
        row.payload = EventCodec.encode(command);
        row.createdAt = command.issuedAt();
        row.persist();
    }
}
