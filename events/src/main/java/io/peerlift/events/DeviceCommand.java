package io.peerlift.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.UUID;

/**
 * Commands to a device, published to {@link Topics#DEVICE_COMMANDS} keyed by {@link #subnet()}. A command is
 * identified by {@code commandId} and {@code attempt}: the pair a device echoes in every event that answers it
 * ({@link DeviceEvent.Answer}), and by which it recognises a re-delivered command.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = DeviceCommand.Upgrade.class, name = "Upgrade"),
        @JsonSubTypes.Type(value = DeviceCommand.Cancel.class, name = "Cancel"),
})
public sealed interface DeviceCommand {

    UUID commandId();

    String deviceId();

    String subnet();

    Instant issuedAt();

    String rolloutId();

    /** The rollout's attempt at this device: 1 for the first Upgrade, one more for each retry. */
    int attempt();

    /**
     * When the command stops meaning anything: the rollout no longer waits for an answer (its device timeout), so a
     * device drops it unread, and a replay of the retained topic (a device that lost its state) changes nothing.
     * Null from a producer older than this contract: it never expires.
     */
    Instant expiresAt();

    /** Whether the command expired by {@code now} (the device's clock). */
    default boolean expiredAt(Instant now) {
        return expiresAt() != null && !now.isBefore(expiresAt());
    }

    /**
     * Fetch, verify and install {@code app} {@code version}. {@code attempt} starts at 1 and rises with each
     * counted retry, so a device can tell a re-delivered command from a retry. {@code signature} is the release
     * key's signature the repository accepted with the upload: a device installs only a release that a key of its
     * own configuration signed ({@link TrustedReleaseKeys#verify(AppRef, ReleaseSignature)} over {@code app},
     * {@code version} and {@code manifestSha256}), so whoever writes this topic cannot choose what it installs;
     * null (unsigned) is refused. {@code distribution} says whether the device swarms (absent in commands of
     * before the option: {@link Distribution#WHOLE_FILE}).
     */
    record Upgrade(UUID commandId, String deviceId, String subnet, Instant issuedAt, String rolloutId,
                   String app, String version, String manifestSha256, SourcePolicy sourcePolicy,
                   String repositoryUrl, int attempt, ReleaseSignature signature, Instant expiresAt,
                   Distribution distribution)
            implements DeviceCommand {
        public Upgrade {
            Limits.requireDeviceId(deviceId);
            distribution = Distribution.orDefault(distribution);
        }

        /** A whole-file upgrade. */
        public Upgrade(UUID commandId, String deviceId, String subnet, Instant issuedAt, String rolloutId, String app,
                       String version, String manifestSha256, SourcePolicy sourcePolicy, String repositoryUrl,
                       int attempt, ReleaseSignature signature, Instant expiresAt) {
            this(commandId, deviceId, subnet, issuedAt, rolloutId, app, version, manifestSha256, sourcePolicy,
                    repositoryUrl, attempt, signature, expiresAt, Distribution.WHOLE_FILE);
        }
    }

    /**
     * Stop the rollout's download or pending upgrade on this device, keeping verified chunks; {@code attempt} is
     * the attempt being cancelled.
     */
    record Cancel(UUID commandId, String deviceId, String subnet, Instant issuedAt, String rolloutId, int attempt, Instant expiresAt)
            implements DeviceCommand {
        public Cancel {
            Limits.requireDeviceId(deviceId);
        }
    }
}
