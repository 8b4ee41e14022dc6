package io.peerlift.rollout.service.management;

import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Eligibility;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;

import java.time.Instant;
import java.util.UUID;

/**
 * One device of a rollout as the REST API shows it; {@code ineligibleReason} says why an INELIGIBLE device is
 * left out, {@code seedExpiry} why an upgraded WAN seed was replaced as its subnet's seed. {@code peerServerRunning},
 * {@code peerServerHttpsPort} (0: no HTTPS) and {@code peerServerHttpsDown} (why HTTPS does not run although
 * enabled) are its peer server as the inventory knows it.
 */
public record DeviceView(String deviceId, String subnet, DeviceState state, String osVersion,
                         SourcePolicy commandPolicy, DownloadSource source, int attempts, UUID commandId, int round,
                         Instant commandedAt, Instant lastActivityAt, Instant retryAt, Instant finishedAt,
                         long wanBytes, long peerBytes, Long transferMillis, Long installMillis, Long rebootMillis,
                         String failureReason, String ineligibleReason, String seedExpiry,
                         boolean peerServerRunning, int peerServerHttpsPort, String peerServerHttpsDown) {

    static DeviceView of(RolloutDevice d, Rollout rollout, Device inventory) {
        return new DeviceView(d.deviceId, d.subnet, d.state, d.osVersion, d.commandPolicy, d.source, d.attempts,
                d.commandId, d.round, d.commandedAt, d.lastActivityAt, d.retryAt, d.finishedAt, d.wanBytes,
                d.peerBytes, d.transferMillis, d.installMillis, d.rebootMillis, d.failureReason,
                d.state == DeviceState.INELIGIBLE
                        ? Eligibility.ineligibleReason(d.osVersion, rollout.version, rollout.minSourceVersion) : null,
                d.seedExpiry, inventory != null && inventory.peerRunning, inventory == null ? 0 : inventory.httpsPort,
                inventory == null ? null : inventory.httpsDown);
    }
}
