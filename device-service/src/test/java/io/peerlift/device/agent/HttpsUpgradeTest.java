package io.peerlift.device.agent;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.PeerTls;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.device.peer.VerifiedChunks;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.OsFamily;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.peerlift.localstack.FleetCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.peerlift.device.agent.TestRig.APP;
import static io.peerlift.device.agent.TestRig.OS11;
import static io.peerlift.device.agent.TestRig.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Whole devices with the HTTPS peer update server: a profile turns it on and off, downloaders use it when offered
 * and verify the peer's certificate (fleet CA, IP address), a host posing as a peer with another certificate is
 * never used, and a device without credentials serves HTTP only and says why.
 */
class HttpsUpgradeTest {

    @TempDir
    Path dir;

    private final Subnet subnet = TestRig.randomSubnet();
    private FleetCa fleet;
    private Path fleetCaFile;
    private TestRig rig;
    private Path packageFile;
    private AppManifest manifest;

    @BeforeEach
    void setUp() throws Exception {
        fleet = FleetCa.create("Peerlift test fleet CA");
        fleetCaFile = fleet.writeCertificate(dir.resolve("fleet-ca.pem"));
        // One process hosting several devices, as the fleet simulator does: one lab certificate naming each address.
        FleetCa.Issued lab = fleet.issue("lab", List.of(subnet.host(2), subnet.host(3), subnet.host(4)), dir.resolve("lab"));
        rig = new TestRig(dir.resolve("rig"), Map.of("tls.cert-file", lab.certFile().toString(),
                "tls.key-file", lab.keyFile().toString(), "tls.fleet-ca-file", fleetCaFile.toString()));
        packageFile = TestRig.randomPackage(dir.resolve("packages"), 3 * AppManifest.DEFAULT_CHUNK_SIZE + 999);
        manifest = TestRig.manifestOf(packageFile);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private static DeviceConfig os12Peer(TestRig on, Device device, boolean https, long revision) {
        Map<String, Object> settings = new HashMap<>(Map.of(SettingKeys.DISCOVERY_ENABLED, true,
                SettingKeys.DISCOVERY_PORT, on.discoveryPort, SettingKeys.PEER_SERVER_ENABLED, true,
                SettingKeys.PEER_SERVER_PORT, 0, SettingKeys.PEER_SERVER_LIMIT, 2,
                SettingKeys.PEER_SERVER_HTTPS_ENABLED, https, SettingKeys.PEER_SERVER_HTTPS_PORT, 0));
        return new DeviceConfig(UUID.randomUUID(), device.id(), 1, List.of(1L), OsFamily.OS12, TARGET, settings,
                Map.of(), revision, Instant.now());
    }

    /** An OS 11 downloader that may use peers over verified HTTPS only. */
    private Device httpsOnlyDownloader(TestRig on, String id, int host) {
        Device device = on.device(id, subnet, host, OS11, false);
        device.start();
        device.accept(new DeviceConfig(UUID.randomUUID(), id, 1, List.of(1L), OsFamily.OS11, OS11,
                Map.of(SettingKeys.DISCOVERY_ENABLED, true, SettingKeys.DISCOVERY_PORT, on.discoveryPort,
                        SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, false), Map.of(), 1, Instant.now()));
        return device;
    }

    private static boolean accepts(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }

    @Test
    void aProfileTurnsHttpsOnAndADownloaderThatAllowsNoPlainHttpUpgradesOverIt() throws Exception {
        Device peer = rig.peer("peer", subnet, 2, packageFile);
        assertThat(peer.peerServerState().httpsPort()).as("IGEL: HTTPS is off until a profile enables it").isZero();

        peer.accept(os12Peer(rig, peer, true, 1));
        await().until(() -> peer.peerServerState().httpsPort() > 0);
        PeerServerState serving = peer.peerServerState();
        assertThat(serving.httpsPort()).isNotEqualTo(serving.port());
        assertThat(serving.httpsDown()).isNull();
        assertThat(accepts(subnet.host(2), serving.httpsPort())).isTrue();
        await().untilAsserted(() -> assertThat(lastStarted(rig, "peer"))
                .as("what it tells the rollout service when it starts serving")
                .extracting(DeviceEvent.PeerServerStarted::port, DeviceEvent.PeerServerStarted::httpsPort,
                        DeviceEvent.PeerServerStarted::httpsDown)
                .containsExactly(serving.port(), serving.httpsPort(), null));

        Device device = httpsOnlyDownloader(rig, "device", 3);
        device.accept(TestRig.upgrade(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));
        await().until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());
        List<PeerOffer> offers = rig.eventsOf("device", DeviceEvent.DiscoveryAnswered.class).get(0).offers();
        assertThat(offers).extracting(PeerOffer::peerId, PeerOffer::httpsPort)
                .containsExactly(tuple("peer", serving.httpsPort()));
        assertThat(rig.eventsOf("device", DeviceEvent.DownloadCompleted.class).get(0).peerBytes())
                .isEqualTo(manifest.size());
        await().untilAsserted(() -> assertThat(rig.eventsOf("peer", DeviceEvent.UploadCompleted.class))
                .extracting(DeviceEvent.UploadCompleted::bytes).containsExactly(manifest.size()));

        peer.accept(os12Peer(rig, peer, false, 2));
        await().until(() -> peer.peerServerState().running() && peer.peerServerState().httpsPort() == 0);
        assertThat(accepts(subnet.host(2), serving.httpsPort())).as("the profile turned HTTPS off").isFalse();
        await().untilAsserted(() -> assertThat(lastStarted(rig, "peer").httpsPort()).isZero());
        assertThat(peer.peerServerState().httpsDown()).as("off is not a failure").isNull();

        peer.accept(os12Peer(rig, peer, true, 3));
        await().until(() -> peer.peerServerState().httpsPort() > 0);
    }

    @Test
    void aHostPosingAsAPeerWithAnotherCertificateIsRefusedAndNeverUsedOverHttpEither() throws Exception {
        FleetCa.Issued impostor = FleetCa.create("Someone else's CA").issue("impostor", List.of(subnet.host(9)),
                dir.resolve("impostor"));
        PeerServers rogueServers = new PeerServers(rig.vertx, Duration.ofSeconds(5), false,
                PeerTls.from(impostor.certFile(), impostor.keyFile(), null));
        ServedPackage genuine = rig.context.store().importPackage(APP, TARGET, packageFile).served(VerifiedChunks.ALL,
                TestReleaseKey.sign(manifest));
        AtomicInteger rogueRequests = new AtomicInteger();
        ServedDevice rogue = new ServedDevice("rogue", subnet.host(9), 5, 8, 0, (a, v) -> {
            rogueRequests.incrementAndGet();
            return Optional.of(genuine);
        }, (to, pkg, bytes) -> { });
        try (PeerServers.Serving http = get(rogueServers.serve(rogue, 0));
             PeerServers.Serving https = get(rogueServers.serveHttps(rogue, 0));
             DiscoveryHub.Registration answers = get(rig.context.discoveryHub().answer(rig.discoveryPort, "rogue",
                     subnet, subnet.host(9), (a, v) -> Optional.of(new PeerOffer("rogue", subnet.host(9), http.port(),
                             APP, TARGET, manifest.manifestSha256(), 0, 5, https.port()))))) {
            Device device = httpsOnlyDownloader(rig, "device", 3);
            device.accept(TestRig.upgrade(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));

            await().until(() -> rig.eventsOf("device", DeviceEvent.DiscoveryAnswered.class).size() >= 3);
            assertThat(rig.meters.find("peerlift.download.rejected").tag("what", "certificate").counter().count())
                    .as("refused once, then banned for this download").isEqualTo(1.0);
            assertThat(device.apps()).isEmpty();

            Device honest = rig.peer("honest", subnet, 4, packageFile);
            honest.accept(os12Peer(rig, honest, true, 1));
            await().until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());
            assertThat(rig.eventsOf("device", DeviceEvent.DownloadStarted.class))
                    .extracting(DeviceEvent.DownloadStarted::peerId).containsExactly("honest");
        } finally {
            rogueServers.close();
        }
        assertThat(rogueRequests).as("the TLS handshake failed before any request; HTTP was not allowed").hasValue(0);
    }

    @Test
    void aDeviceWithoutCredentialsServesHttpOnlyAndReportsWhyHttpsIsDown() throws Exception {
        TestRig plain = new TestRig(dir.resolve("plain"));
        try {
            Device peer = plain.peer("plain-peer", subnet, 5, packageFile);
            peer.accept(os12Peer(plain, peer, true, 1));
            await().until(() -> peer.peerServerState().httpsDown() != null);
            PeerServerState state = peer.peerServerState();
            assertThat(state.running()).isTrue();
            assertThat(state.httpsPort()).isZero();
            assertThat(state.httpsDown()).contains("the device has no certificate");
            assertThat(peer.view().peerServer().httpsDown()).as("its REST view says so").isEqualTo(state.httpsDown());
            await().untilAsserted(() -> assertThat(lastStarted(plain, "plain-peer"))
                    .as("and its event to the rollout service")
                    .extracting(DeviceEvent.PeerServerStarted::httpsPort, DeviceEvent.PeerServerStarted::httpsDown)
                    .containsExactly(0, state.httpsDown()));

            Device device = plain.device("plain-device", subnet, 6, OS11, false);
            device.start();
            device.accept(TestRig.upgrade(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));
            await().until(() -> !plain.eventsOf("plain-device", DeviceEvent.UpgradeCompleted.class).isEmpty());
            assertThat(plain.eventsOf("plain-device", DeviceEvent.DiscoveryAnswered.class).get(0).offers())
                    .extracting(PeerOffer::httpsPort).containsOnly(0);
        } finally {
            plain.close();
        }
    }

    private static DeviceEvent.PeerServerStarted lastStarted(TestRig on, String deviceId) {
        List<DeviceEvent.PeerServerStarted> started = on.eventsOf(deviceId, DeviceEvent.PeerServerStarted.class);
        assertThat(started).as("PeerServerStarted of " + deviceId).isNotEmpty();
        return started.get(started.size() - 1);
    }

    private static <T> T get(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
