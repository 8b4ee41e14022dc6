package io.peerlift.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.UUID;

/** Commands to a device, published to {@link Topics#DEVICE_COMMANDS} keyed by {@link #subnet()}. */
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

    /**
     * Fetch, verify and install {@code app} {@code version}. {@code attempt} starts at 1 and rises with each
     * counted retry, so a device can tell a re-delivered command from a retry.
     */
    record Upgrade(UUID commandId, String deviceId, String subnet, Instant issuedAt, String rolloutId,
                   String app, String version, String manifestSha256, SourcePolicy sourcePolicy,
                   String repositoryUrl, int attempt) implements DeviceCommand {
    }

    /** Stop the rollout's download or pending upgrade on this device, keeping verified chunks. */
    record Cancel(UUID commandId, String deviceId, String subnet, Instant issuedAt, String rolloutId)
            implements DeviceCommand {
    }
}
