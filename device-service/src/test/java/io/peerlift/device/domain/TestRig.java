package io.peerlift.device.domain;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.peer.ServedPackage;
import io.vertx.core.Vertx;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Real devices for tests: a shared Vert.x, HTTP client, worker pool and content store, with short install and
 * reboot times, a free discovery port, and every published event recorded in order.
 */
final class TestRig implements AutoCloseable {

    static final String APP = "base-system";
    static final String TARGET = "12.7.4";
    static final String OS11 = "11.11.150";

    static {
        // Shared machines and CI runners can be slow: give asynchronous waits room, they end as soon as they hold.
        Awaitility.setDefaultTimeout(Duration.ofSeconds(60));
    }

    final Path root;
    final Vertx vertx = Vertx.vertx();
    final ExecutorService workers = Executors.newCachedThreadPool();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final DeviceMetrics metrics = new DeviceMetrics(meters);
    final List<DeviceEvent> events = new CopyOnWriteArrayList<>();
    final DeviceContext context;
    final int discoveryPort;
    private final List<Device> devices = new CopyOnWriteArrayList<>();
    private volatile Consumer<DeviceEvent> listener = event -> { };

    TestRig(Path root) {
        this(root, 0, false);
    }

    TestRig(Path root, long uploadRate, boolean serveBeforeReboot) {
        this(root, freeUdpPort(), uploadRate, serveBeforeReboot);
    }

    TestRig(Path root, int discoveryPort, long uploadRate, boolean serveBeforeReboot) {
        this.root = root;
        this.discoveryPort = discoveryPort;
        DeviceSettings settings = new DeviceSettings(Duration.ofMillis(100), Duration.ofMillis(100), serveBeforeReboot,
                uploadRate, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(400), 2, 2,
                Duration.ofMillis(200), Duration.ofSeconds(5), discoveryPort, 0, 2, 8, APP);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(workers).build();
        context = new DeviceContext(vertx, http, workers, new PeerServers(vertx, Duration.ofSeconds(5), false),
                new DiscoveryHub(vertx, metrics), new DiscoveryClient(vertx, metrics),
                new ContentStore(root.resolve("store")), this::record,
                metrics, settings, Clock.systemUTC());
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

    /** An initial peer: OS 12, holding the package, serving. */
    Device peer(String id, Subnet subnet, int host, Path packageFile) throws IOException {
        Device device = device(id, subnet, host, TARGET, true);
        device.provision(context.store().importPackage(APP, TARGET, packageFile));
        device.start();
        return device;
    }

    /** A peer server outside any device (a rogue peer, a stand-in repository) serving what {@code catalog} says. */
    PeerServers.Serving serve(String id, String address, int slots, ServedDevice.Catalog catalog) throws Exception {
        ServedDevice served = new ServedDevice(id, address, slots, 8, 0, catalog, (to, pkg, bytes) -> { });
        return context.peerServers().serve(served, 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ServedPackage served(ContentStore.StoredApp app) {
        return new ServedPackage(app.manifest(), app.manifestBytes(), app.payload());
    }

    static Path randomPackage(Path dir, int bytes) throws IOException {
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        return Files.write(Files.createDirectories(dir).resolve("package-" + bytes + ".bin"), data);
    }

    static AppManifest manifestOf(Path packageFile) throws IOException {
        try (var in = Files.newInputStream(packageFile)) {
            return AppManifest.compute(APP, TARGET, AppManifest.DEFAULT_CHUNK_SIZE, in);
        }
    }

    static DeviceCommand.Upgrade upgrade(Device device, AppManifest manifest, SourcePolicy policy, String repositoryUrl) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), device.id(), device.subnet().toString(), Instant.now(),
                "rollout-1", manifest.app(), manifest.version(), manifest.manifestSha256(), policy, repositoryUrl, 1);
    }

    <T extends DeviceEvent> List<T> eventsOf(String deviceId, Class<T> type) {
        return events.stream().filter(e -> e.deviceId().equals(deviceId)).filter(type::isInstance).map(type::cast).toList();
    }

    List<DeviceEvent> eventsOf(String deviceId) {
        return events.stream().filter(e -> e.deviceId().equals(deviceId)).toList();
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
        workers.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
