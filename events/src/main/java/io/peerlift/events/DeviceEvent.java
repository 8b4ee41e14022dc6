package io.peerlift.events;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import com.fasterxml.jackson.annotation.Nulls;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything a device reports, published to {@link Topics#DEVICE_EVENTS} keyed by {@link #subnet()}.
 * <p>
 * {@link #seq()} rises by one with every event a device emits (across restarts, the agent persists it) within one
 * {@link #epoch()}, so a consumer drops an event that does not {@link #follows follow} the last it applied for that
 * device: duplicates and stale re-deliveries change nothing, and a device that lost its state is a new incarnation. {@link #eventId()} is unique per event for consumers that de-duplicate by id.
 * Every event names its device by an id within {@link Limits#requireDeviceId}: decoding refuses any other.
 * The events of a download or upgrade that a rollout commanded are {@link Answer}s: they carry the rollout, the
 * id and the attempt of the Upgrade they answer, so a consumer can drop a late event of an older attempt.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = DeviceEvent.DeviceAnnounced.class, name = "DeviceAnnounced"),
        @JsonSubTypes.Type(value = DeviceEvent.DiscoveryRequested.class, name = "DiscoveryRequested"),
        @JsonSubTypes.Type(value = DeviceEvent.DiscoveryAnswered.class, name = "DiscoveryAnswered"),
        @JsonSubTypes.Type(value = DeviceEvent.DownloadStarted.class, name = "DownloadStarted"),
        @JsonSubTypes.Type(value = DeviceEvent.DownloadProgress.class, name = "DownloadProgress"),
        @JsonSubTypes.Type(value = DeviceEvent.DownloadCompleted.class, name = "DownloadCompleted"),
        @JsonSubTypes.Type(value = DeviceEvent.DownloadFailed.class, name = "DownloadFailed"),
        @JsonSubTypes.Type(value = DeviceEvent.UpgradeStarted.class, name = "UpgradeStarted"),
        @JsonSubTypes.Type(value = DeviceEvent.UpgradeCompleted.class, name = "UpgradeCompleted"),
        @JsonSubTypes.Type(value = DeviceEvent.UpgradeFailed.class, name = "UpgradeFailed"),
        @JsonSubTypes.Type(value = DeviceEvent.PeerServerStarted.class, name = "PeerServerStarted"),
        @JsonSubTypes.Type(value = DeviceEvent.PeerServerStopped.class, name = "PeerServerStopped"),
        @JsonSubTypes.Type(value = DeviceEvent.UploadCompleted.class, name = "UploadCompleted"),
})
public sealed interface DeviceEvent {

    UUID eventId();

    String deviceId();

    /** CIDR of the device's subnet, e.g. {@code 10.1.2.0/24}; the Kafka key. */
    String subnet();

    Instant occurredAt();

    long seq();

    /**
     * The device's incarnation: it changes (and rises) whenever the device starts without its state (a fresh data
     * directory) and so restarts {@link #seq()} at 1. Events order by (epoch, seq), see {@link #follows}. A producer
     * older than this contract sends none: it reads as 0, the oldest incarnation.
     */
    long epoch();

    /**
     * Whether this event comes after the device's last applied one, at ({@code appliedEpoch}, {@code appliedSeq}):
     * a newer incarnation (whatever its seq), or a higher seq of the same one. An event of an older incarnation, or
     * a seq already applied, is a duplicate or a late straggler and changes nothing.
     */
    default boolean follows(long appliedEpoch, long appliedSeq) {
        return epoch() > appliedEpoch || epoch() == appliedEpoch && seq() > appliedSeq;
    }

    /**
     * An event that answers an {@link DeviceCommand.Upgrade}: {@code commandId} and {@code attempt} are those of
     * the command the device is carrying out when it emits the event (the newest attempt it received, when a
     * retry reached a device still working on an earlier one). A producer older than this contract leaves
     * {@code commandId} null and {@code attempt} 0.
     */
    sealed interface Answer extends DeviceEvent {

        String rolloutId();

        UUID commandId();

        int attempt();

        String app();

        String version();
    }

    /** Heartbeat and first contact: who the device is, what it holds and whether it serves. */
    record DeviceAnnounced(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                           String ip, String osVersion, List<AppRef> apps, PeerServerState peerServer)
            implements DeviceEvent {
        public DeviceAnnounced {
            Limits.requireDeviceId(deviceId);
            apps = apps == null ? List.of() : List.copyOf(apps);
        }
    }

    /** The device broadcast "who has app X version V" in its subnet. */
    record DiscoveryRequested(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                              String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version, int round)
            implements Answer {
        public DiscoveryRequested {
            Limits.requireDeviceId(deviceId);
        }
    }

    /** The answers the device collected in one discovery window (possibly none). */
    record DiscoveryAnswered(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                             String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version, int round,
                             List<PeerOffer> offers) implements Answer {
        public DiscoveryAnswered {
            Limits.requireDeviceId(deviceId);
            offers = offers == null ? List.of() : List.copyOf(offers);
        }
    }

    /** A download began; {@code peerId} is the first peer used, null for the WAN. */
    record DownloadStarted(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                           String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version,
                           DownloadSource source, String peerId, long totalBytes) implements Answer {
        public DownloadStarted {
            Limits.requireDeviceId(deviceId);
        }
    }

    /** Throttled progress of a running download. */
    record DownloadProgress(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                            String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version,
                            long bytesDone, long totalBytes, String peerId) implements Answer {
        public DownloadProgress {
            Limits.requireDeviceId(deviceId);
        }
    }

    /**
     * The whole payload is verified. {@code source} is where most bytes came from; {@code peerBytes} and
     * {@code wanBytes} say exactly how many came from each, counting refetches of bad chunks;
     * {@code durationMillis} is the transfer, from the first payload request to the last verified chunk.
     */
    record DownloadCompleted(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                             String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version, long bytes,
                             DownloadSource source, long peerBytes, long wanBytes, long durationMillis)
            implements Answer {
        public DownloadCompleted {
            Limits.requireDeviceId(deviceId);
        }
    }

    /** The download gave up; {@code bytesSoFar} verified bytes are kept for a retry. */
    record DownloadFailed(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                          String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version, String reason,
                          long bytesSoFar, long peerBytes, long wanBytes) implements Answer {
        public DownloadFailed {
            Limits.requireDeviceId(deviceId);
        }
    }

    record UpgradeStarted(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                          String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version,
                          String fromOsVersion) implements Answer {
        public UpgradeStarted {
            Limits.requireDeviceId(deviceId);
        }
    }

    /**
     * The device rebooted into {@code newOsVersion}. {@code installMillis} and {@code rebootMillis} are what the
     * device measured for the install and for the reboot (0 for an app that needs none), so that the round
     * time of a subnet can be told from its devices' own clocks.
     */
    record UpgradeCompleted(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                            String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version,
                            String newOsVersion, long installMillis, long rebootMillis) implements Answer {
        public UpgradeCompleted {
            Limits.requireDeviceId(deviceId);
        }
    }

    record UpgradeFailed(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                         String rolloutId, UUID commandId, @OlderProducer int attempt, String app, String version, String reason)
            implements Answer {
        public UpgradeFailed {
            Limits.requireDeviceId(deviceId);
        }
    }

    /**
     * The peer update server accepts downloads of {@code apps}, at most {@code capacity} at once, and sends at most
     * {@code uploadBytesPerSecond} across them (the device's upload capacity; 0 when it is not capped, or from a
     * producer older than this field). {@code httpsPort} and {@code httpsDown} are as in {@link PeerServerState}:
     * the HTTPS port beside {@code port} (0: none), and why HTTPS does not run although enabled (null otherwise).
     */
    record PeerServerStarted(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                             String ip, int port, int capacity, List<AppRef> apps,
                             @OlderProducer long uploadBytesPerSecond, @OlderProducer int httpsPort, String httpsDown)
            implements DeviceEvent {
        public PeerServerStarted {
            Limits.requireDeviceId(deviceId);
            apps = apps == null ? List.of() : List.copyOf(apps);
        }
    }

    record PeerServerStopped(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                             int port, String reason) implements DeviceEvent {
        public PeerServerStopped {
            Limits.requireDeviceId(deviceId);
        }
    }

    /**
     * This device, as a peer, sent {@code bytes} of an app in payload responses sent in full, gathered over one
     * report interval (device-service's {@code upload-report-interval}; a swarm sends a chunk per response), to
     * {@code toDeviceId}: null when they went to several devices.
     */
    record UploadCompleted(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, @OlderProducer long epoch,
                           String toDeviceId, String app, String version, long bytes) implements DeviceEvent {
        public UploadCompleted {
            Limits.requireDeviceId(deviceId);
        }
    }

    /** A field that producers older than this contract omit: absent, it reads as 0 instead of failing. */
    @Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
    @Retention(RetentionPolicy.RUNTIME)
    @JacksonAnnotationsInside
    @JsonSetter(nulls = Nulls.AS_EMPTY)
    @interface OlderProducer {
    }
}
