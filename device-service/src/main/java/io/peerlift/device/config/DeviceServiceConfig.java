package io.peerlift.device.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code peerlift.device.*}: the mode, the agent's identity, and how every hosted device behaves. */
@ConfigMapping(prefix = "peerlift.device")
public interface DeviceServiceConfig {

    enum Mode {
        /** One device, this process. */
        AGENT,
        /**
         * Many simulated devices on loopback addresses, configured by {@code peerlift.fleet.*}; a lab's single Kafka
         * principal, reading the command and configuration topics itself.
         */
        FLEET,
        /** No device: the device gateway that real agents reach over HTTP, bridging to Kafka. */
        GATEWAY
    }

    @WithDefault("agent")
    Mode mode();

    Gateway gateway();

    /** The device gateway: where an agent reaches it, how long its polls wait, what it holds per device. */
    interface Gateway {
        /** Agent mode: the gateway's base URL (e.g. {@code https://gateway.example:8082}); the agent speaks only to it. */
        Optional<String> url();

        /**
         * Agent mode: the file holding the device's own token (a JWT from the fleet's issuer with role {@code device}
         * naming this device as its principal). Read again after the gateway refuses it, so it can be renewed in place.
         */
        Optional<Path> tokenFile();

        /** How long an agent's poll for commands or configuration waits at the gateway for something new. */
        @WithDefault("25s")
        Duration pollWait();

        /** Gateway mode: commands held per device until fetched; older ones drop off. */
        @WithDefault("16")
        int maxPendingCommands();
    }

    /** Agent mode: the device id. */
    @WithDefault("device-1")
    String id();

    /**
     * Agent mode: the device's own IPv4 address; the peer server binds it and discovery sends from it. When unset,
     * the host's address inside {@link #subnet()} (in a pod: the pod IP).
     */
    Optional<String> bindAddress();

    /** Agent mode: the device's subnet in CIDR; discovery broadcasts to it and answers only it. */
    @WithDefault("127.0.0.0/24")
    String subnet();

    /** Agent mode: the OS version on first start (afterwards the persisted one). */
    @WithDefault("11.11.150")
    String osVersion();

    /** Agent mode: whether the peer server runs before any effective configuration arrives. */
    @WithDefault("false")
    boolean peerServerEnabled();

    /** State, partial downloads and the content store (fleet: {@code devices/<id>} and a shared {@code store}). */
    @WithDefault("data/device-service")
    Path dataDir();

    /**
     * How many events the durable event outbox ({@code events.outbox} in the data directory; in a fleet one per subnet,
     * in {@code subnets/<subnet>/}) holds while the broker (fleet) or the gateway (agent) is away, before the devices
     * (of that subnet) stop taking new Upgrades. None is ever dropped.
     */
    @WithDefault("100000")
    int outboxCapacity();

    /**
     * Upload rate of each device's peer server, shared by all its connections (a token bucket), to simulate real
     * links; 0 is unlimited, and only then is the payload sent with zero-copy sendfile.
     */
    @WithDefault("0")
    long uploadRateBytesPerSecond();

    @WithDefault("2s")
    Duration installDuration();

    @WithDefault("3s")
    Duration rebootDelay();

    /** Serve a package as soon as it is verified instead of only after the upgrade and reboot (IGEL's way). */
    @WithDefault("false")
    boolean serveBeforeReboot();

    /** How long a discovery request collects answers. */
    @WithDefault("500ms")
    Duration discoveryWindow();

    /** The first wait between discovery rounds; it doubles per round up to {@link #discoveryBackoffMax()}. */
    @WithDefault("1s")
    Duration discoveryBackoff();

    @WithDefault("30s")
    Duration discoveryBackoffMax();

    /** PEER_THEN_WAN: discovery rounds in a row that no holder answers before falling back to the repository. */
    @WithDefault("3")
    int wanFallbackAfterRounds();

    /**
     * PEER_THEN_WAN: how long those rounds must have heard no holder, since the download began or last heard one, before
     * the repository is used: a loaded fleet or network answers late, and a peerless subnet is seeded by the rollout
     * (WAN_SEED), not by this fallback.
     */
    @WithDefault("30s")
    Duration wanFallbackAfterSilence();

    /** Failed repository attempts before a download is given up. */
    @WithDefault("5")
    int wanAttempts();

    /** How often a download reports DownloadProgress (a swarming one: {@link Swarm#progressInterval()}). */
    @WithDefault("1s")
    Duration progressInterval();

    /**
     * How long a serving device gathers its uploads into one UploadCompleted per package (a swarm sends one chunk
     * per response: one event each would be most of the fleet's events). Whatever is gathered is also reported when
     * serving stops, when the device's own download completes and at shutdown; 0 reports every response at once.
     */
    @WithDefault("5s")
    Duration uploadReportInterval();

    /** Connect and response-header timeout of manifest and payload requests. */
    @WithDefault("10s")
    Duration requestTimeout();

    /** Until the effective configuration sets {@code update.discovery.port}. */
    @WithDefault("22336")
    int discoveryPort();

    /** Until the effective configuration sets {@code update.peer_server.port}. */
    @WithDefault("22335")
    int peerServerPort();

    /** Until the effective configuration sets {@code peerlift.buddy_server.https_port} (0: any free port). */
    @WithDefault("22337")
    int peerServerHttpsPort();

    /** Until the effective configuration sets {@code update.peer_server.limit_of_connections}. */
    @WithDefault("1")
    int peerServerLimit();

    /**
     * How long a peer-server connection may go without reading a byte or completing a write before it is
     * closed: a client that never sends its request, or stops reading its payload, gives its slot back.
     */
    @WithDefault("10s")
    Duration peerServerIdleTimeout();

    /**
     * Connections a peer server accepts beyond its upload slots (for manifests, HEAD requests and clients waiting
     * for a slot); a request on any connection past them is answered 503 with Retry-After.
     */
    @WithDefault("8")
    int peerServerConnectionsBeyondSlots();

    /**
     * The release public keys (PEM files as {@code openssl pkey -pubout} writes them, comma-separated) by which every
     * release this device installs must be signed. They come with the device's provisioning, never from a command
     * or a repository. Unset, the devices install no release at all (the start warns): a device that cannot check a
     * release never takes one.
     */
    Optional<List<Path>> trustedReleaseKeys();

    Tls tls();

    /**
     * The device's TLS credentials, from its enrolment (UMS on IGEL OS), never from Kafka: PEM files. Without a
     * certificate and key the HTTPS peer update server does not start (HTTP still does, and the device reports
     * why); without the fleet CA the device does not download over HTTPS. In fleet mode one lab certificate serves
     * every simulated device: it must name each device address as an IP subject alternative name.
     */
    interface Tls {
        /** The device's certificate (with its IP address as a subject alternative name), chain after it. */
        Optional<Path> certFile();

        /** The certificate's private key (PKCS#8 or PKCS#1 PEM). */
        Optional<Path> keyFile();

        /** The fleet CA certificate(s) a peer's certificate must chain to, checked with the peer's IP address. */
        Optional<Path> fleetCaFile();

        /**
         * How often the certificate and key files are read again, so that a renewed certificate is presented to new
         * HTTPS connections without a restart (0: never). A key that is not the new certificate's is refused and
         * the served pair stays.
         */
        @WithDefault("60s")
        Duration reloadInterval();
    }

    /** The app whose installation switches the OS version and reboots. */
    @WithDefault("base-system")
    String baseSystemApp();

    /** Heartbeat: every hosted device announces itself this often. */
    @WithDefault("60s")
    Duration announceInterval();

    /** Piece swarming, for upgrades of the SWARM distribution. */
    Swarm swarm();

    interface Swarm {
        /** Chunk requests in flight to one source at once. */
        @WithDefault("2")
        int pipelinePerSource();

        /**
         * Chunk requests in flight to all sources together: a few keep the download as fast as the subnet's upload
         * capacity allows (each holder queues them), more would only queue at every holder at once.
         */
        @WithDefault("4")
        int maxInFlight();

        /**
         * How long a chunk request may queue at a holder for one of its upload slots ({@code Prefer: wait}), so the
         * holder's next upload is already waiting when one ends; whole seconds, 0 for 503 at once.
         */
        @WithDefault("2s")
        Duration slotWait();

        /** Missing chunks at or below which the endgame asks a second source for chunks already in flight. */
        @WithDefault("4")
        int endgameChunks();

        /** Requests for one chunk at once during the endgame; the first verified wins, the others are cancelled. */
        @WithDefault("2")
        int endgameCopies();

        /**
         * How often a swarming download runs a discovery round to find new holders (at most once a window); every
         * holder answers every round, so after a round that found nobody new the wait doubles, up to 8 times this.
         */
        @WithDefault("1s")
        Duration rediscoverInterval();

        /**
         * How soon a partial holder this download fetches nothing from is asked for its have-list again (a holder
         * it fetches from tells with every answer).
         */
        @WithDefault("250ms")
        Duration haveRefreshInterval();

        /** Partial holders asked for their have-list at once by one download. */
        @WithDefault("2")
        int haveRefreshSources();

        /**
         * How long a source that answered busy (its upload slots taken and its queue full) is left alone, at least:
         * each pause is drawn between this and twice this, so that the turned-away do not all come back at once.
         */
        @WithDefault("100ms")
        Duration busyPause();

        /**
         * How often a swarming download reports DownloadProgress: it verifies a chunk every few milliseconds, and
         * rollout-service learns nothing from more reports than this but the device's liveness.
         */
        @WithDefault("5s")
        Duration progressInterval();
    }
}
