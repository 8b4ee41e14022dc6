package io.peerlift.device.agent;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlift.device.TestReleaseKey;
import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.device.download.ChunkStore;
import io.peerlift.device.download.StoredPackage;
import io.peerlift.device.peer.PayloadClient;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.PeerTls;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.service.DeviceRuntime;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.Distribution;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Real devices for tests: a shared Vert.x, peer servers, discovery hub and chunk store, the configuration as the
 * service would read it (short install and reboot times, a free discovery port), and every event recorded in order.
 */
public final class TestRig implements AutoCloseable {

    public static final String APP = "base-system";
    public static final String TARGET = "12.7.4";
    public static final String OS11 = "11.11.150";

    static {
        // Shared machines and CI runners can be slow: give asynchronous waits room, they end as soon as they hold.
        Awaitility.setDefaultTimeout(Duration.ofSeconds(60));
    }

    final Path root;
    final Vertx vertx = Vertx.vertx();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final DeviceMetrics metrics = new DeviceMetrics(meters);
    final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    final DeviceContext context;
    final int discoveryPort;
    private final List<Device> devices = new CopyOnWriteArrayList<>();
    private volatile Consumer<DeviceEvent> listener = event -> { };

    TestRig(Path root) {
        this(root, Map.of());
    }

    /** @param overrides {@code peerlift.device.*} keys (without the prefix) over the rig's defaults */
    TestRig(Path root, Map<String, String> overrides) {
        this(root, freeUdpPort(), overrides);
    }

    TestRig(Path root, int discoveryPort, Map<String, String> overrides) {
        this.root = root;
        this.discoveryPort = discoveryPort;
        Map<String, String> keys = new HashMap<>(Map.of(
                "install-duration", "100ms", "reboot-delay", "100ms", "discovery-window", "1s",
                "discovery-backoff", "100ms", "discovery-backoff-max", "400ms", "wan-fallback-after-rounds", "2",
                "wan-attempts", "2", "progress-interval", "200ms", "request-timeout", "5s",
                "peer-server-idle-timeout", "5s"));
        keys.put("upload-report-interval", "200ms");
        keys.put("wan-fallback-after-silence", "0s");
        keys.putAll(Map.of("discovery-port", String.valueOf(discoveryPort), "peer-server-port", "0",
                "peer-server-limit", "2", "data-dir", root.toString(),
                "trusted-release-keys", TestReleaseKey.publicKeyFile().toString()));
        keys.putAll(overrides);
        DeviceServiceConfig config = config(keys);
        PeerTls tls = DeviceRuntime.peerTls(config);
        context = new DeviceContext(vertx, config, DeviceRuntime.trustedReleaseKeys(config),
                new PeerServers(vertx, config.peerServerIdleTimeout(), false, tls),
                new DiscoveryHub(vertx, metrics), new DiscoveryClient(vertx, metrics),
                new PayloadClient(vertx, config.requestTimeout(), tls), new ChunkStore(root.resolve("store")), this::record,
                metrics, Clock.systemUTC());
    }

    /** The service's own mapping, defaults and validation included, from {@code peerlift.device.*} keys. */
    public static DeviceServiceConfig config(Map<String, String> keys) {
        Map<String, String> prefixed = new HashMap<>();
        keys.forEach((key, value) -> prefixed.put("peerlift.device." + key, value));
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(DeviceServiceConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus's "100ms", "5s"
                .withSources(new PropertiesConfigSource(prefixed, "test-rig", 100))
                .build();
        return config.getConfigMapping(DeviceServiceConfig.class);
    }

    private void record(DeviceEvent event) {
        events.add(event);
        listener.accept(event);
    }

    /** Also hands every event to {@code listener} (a child process prints them for its parent). */
    TestRig onEvent(Consumer<DeviceEvent> listener) {
        this.listener = listener;
        return this;
    }

    /** A random subnet of 127.10.0.0/16 (above the fleet's first subnets), so parallel runs stay apart. */
    static Subnet randomSubnet() {
        return Subnet.parse("127.10." + (100 + new Random().nextInt(150)) + ".0/24");
    }

    Device device(String id, Subnet subnet, int host, String osVersion, boolean provisionedAsPeer) {
        Device device = new Device(id, subnet.host(host), subnet, osVersion, root.resolve("devices").resolve(id),
                provisionedAsPeer, context);
        devices.add(device);
        return device;
    }

    /** An initial peer: OS 12, holding the package, serving (once this returns). */
    Device peer(String id, Subnet subnet, int host, Path packageFile) throws IOException {
        Device device = device(id, subnet, host, TARGET, true);
        StoredPackage stored = context.store().importPackage(APP, TARGET, packageFile);
        device.provision(stored, TestReleaseKey.sign(stored.manifest()));
        device.start();
        org.awaitility.Awaitility.await().until(() -> device.peerServerState().running());
        return device;
    }

    /** A peer server outside any device (a rogue peer, a stand-in repository) serving what {@code catalog} says. */
    PeerServers.Serving serve(String id, String address, int slots, ServedDevice.Catalog catalog) throws Exception {
        ServedDevice served = new ServedDevice(id, address, slots, 8, 0, catalog, (to, pkg, bytes) -> { });
        return context.peerServers().serve(served, 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static Path randomPackage(Path dir, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        return Files.write(Files.createDirectories(dir).resolve("package-" + bytes + ".bin"), data);
    }

    public static AppManifest manifestOf(Path packageFile) throws IOException {
        try (var in = Files.newInputStream(packageFile)) {
            return AppManifest.compute(APP, TARGET, AppManifest.DEFAULT_CHUNK_SIZE, in);
        }
    }

    static DeviceCommand.Upgrade upgrade(Device device, AppManifest manifest, SourcePolicy policy, String repositoryUrl) {
        return upgrade(device, manifest, policy, repositoryUrl, Distribution.WHOLE_FILE);
    }

    static DeviceCommand.Upgrade upgrade(Device device, AppManifest manifest, SourcePolicy policy, String repositoryUrl,
                                         Distribution distribution) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), device.id(), device.subnet().toString(), Instant.now(),
                "rollout-1", manifest.app(), manifest.version(), manifest.manifestSha256(), policy, repositoryUrl, 1,
                TestReleaseKey.sign(manifest), null, distribution);
    }

    /**
     * The keys of a swarm's tests over {@code overrides}: uploads at {@code uploadBytesPerSecond}, short discovery,
     * and devices that serve what they hold after their upgrade (no OS 12 configuration arrives in a rig).
     */
    static Map<String, String> swarmKeys(long uploadBytesPerSecond, Map<String, String> overrides) {
        Map<String, String> keys = new HashMap<>(Map.of("upload-rate-bytes-per-second",
                String.valueOf(uploadBytesPerSecond), "discovery-window", "300ms", "swarm.rediscover-interval", "500ms",
                "serve-before-reboot", "true"));
        keys.putAll(overrides);
        return keys;
    }

    /** An OS 11 device, started. */
    Device os11Device(String id, Subnet subnet, int host) {
        Device device = device(id, subnet, host, OS11, false);
        device.start();
        return device;
    }

    <T extends DeviceEvent> List<T> eventsOf(String deviceId, Class<T> type) {
        return events.stream().filter(e -> e.deviceId().equals(deviceId)).filter(type::isInstance).map(type::cast).toList();
    }

    List<DeviceEvent> eventsOf(String deviceId) {
        return events.stream().filter(e -> e.deviceId().equals(deviceId)).toList();
    }

    List<Device> devices() {
        return List.copyOf(devices);
    }

    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        devices.forEach(Device::stop);
        context.peerServers().close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
