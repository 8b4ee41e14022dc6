package io.peerlift.device.agent;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.Distribution;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.peerlift.device.agent.TestRig.APP;
import static io.peerlift.device.agent.TestRig.OS11;
import static io.peerlift.device.agent.TestRig.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The release signature beside the manifest, over real peer servers and discovery on loopback: a peer serves the
 * signature it checked, a downloader checks a peer's against its own keys before it takes anything else from it.
 */
class PeerSignatureTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private TestRig rig;
    private Path packageFile;
    private AppManifest manifest;
    private final Subnet subnet = TestRig.randomSubnet();

    @BeforeEach
    void setUp() throws Exception {
        // Serving before the reboot: a device that downloaded serves at once, no OS 12 configuration needed here.
        rig = new TestRig(dir.resolve("rig"), Map.of("serve-before-reboot", "true"));
        packageFile = TestRig.randomPackage(dir.resolve("packages"), 3 * AppManifest.DEFAULT_CHUNK_SIZE + 4_321);
        manifest = TestRig.manifestOf(packageFile);
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    private Device os11Device(TestRig on, String id, int host) {
        Device device = on.device(id, subnet, host, OS11, false);
        device.start();
        return device;
    }

    private static DeviceCommand.Upgrade upgrade(Device device, AppManifest manifest, Distribution distribution) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), device.id(), device.subnet().toString(), Instant.now(),
                "rollout-1", manifest.app(), manifest.version(), manifest.manifestSha256(), SourcePolicy.PEER_ONLY,
                "http://127.0.0.1:9/unused", 1, TestReleaseKey.sign(manifest), null, distribution);
    }

    private static HttpResponse<String> get(String ip, int port, String what) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + PeerServers.PATH_PREFIX + "/"
                + APP + "/" + TARGET + "/" + what)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPeerServesTheSignatureItCheckedAndADownloaderKeepsAndServesTheOneItInstalledWith() throws Exception {
        Device peer = rig.peer("peer", subnet, 2, packageFile);
        HttpResponse<String> served = get(peer.ip(), peer.peerServerState().port(), "signature");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(EventCodec.decode(served.body(), ReleaseSignature.class)).isEqualTo(TestReleaseKey.sign(manifest));

        Device device = os11Device(rig, "device", 3);
        DeviceCommand.Upgrade command = upgrade(device, manifest, Distribution.WHOLE_FILE);
        device.accept(command);
        await().until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());
        await().until(() -> device.peerServerState().running());
        assertThat(EventCodec.decode(get(device.ip(), device.peerServerState().port(), "signature").body(),
                ReleaseSignature.class)).as("the signature of its command, kept with what it installed")
                .isEqualTo(command.signature());
        assertThat(rig.meters.find("peerlift.download.rejected").tag("what", "signature").counter()).isNull();
    }

    /** What a rogue peer serves beside the genuine manifest and payload. */
    static Stream<Arguments> forgeries() {
        Function<AppManifest, ReleaseSignature> missing = m -> null;
        Function<AppManifest, ReleaseSignature> tampered = m -> {
            ReleaseSignature genuine = TestReleaseKey.sign(m);
            byte[] bytes = genuine.signatureBytes();
            bytes[7] ^= 0x01;
            return new ReleaseSignature(genuine.keyId(), genuine.minimumVersion(),
                    Base64.getEncoder().encodeToString(bytes));
        };
        Function<AppManifest, ReleaseSignature> untrustedKey = m ->
                new ReleaseSigner(ReleaseKeys.generate()).sign(m, m.version());
        // Signed by the trusted key, but with an older anti-rollback floor than the release commanded.
        Function<AppManifest, ReleaseSignature> lowerFloor = m -> TestReleaseKey.sign(m, OS11);
        List<Arguments> all = new ArrayList<>();
        for (Distribution distribution : List.of(Distribution.WHOLE_FILE, Distribution.SWARM)) {
            all.add(Arguments.of("missing", missing, distribution, "serves no release signature"));
            all.add(Arguments.of("tampered", tampered, distribution, "does not match this manifest"));
            all.add(Arguments.of("untrusted key", untrustedKey, distribution, "not a trusted release key"));
            all.add(Arguments.of("rollback floor", lowerFloor, distribution, "below the " + TARGET));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} signature, {2}")
    @MethodSource("forgeries")
    void aPeerWhoseSignatureDoesNotVouchForTheReleaseIsSkippedBeforeAnyPayloadAndCounted(
            String name, Function<AppManifest, ReleaseSignature> forge, Distribution distribution, String reason)
            throws Exception {
        ServedPackage rogueServes = new ServedPackage(manifest, manifest.canonicalBytes(), packageFile, forge.apply(manifest));
        List<String> rogueRequests = new CopyOnWriteArrayList<>();
        try (PeerServers.Serving rogueServer = rig.serve("rogue", subnet.host(9), 5, (a, v) -> {
            rogueRequests.add(a + " " + v);
            return Optional.of(rogueServes);
        });
             DiscoveryHub.Registration rogue = rig.context.discoveryHub().answer(rig.discoveryPort, "rogue", subnet,
                     subnet.host(9), (a, v) -> Optional.of(new PeerOffer("rogue", subnet.host(9), rogueServer.port(),
                             APP, TARGET, manifest.manifestSha256(), 0, 5, 0))).toCompletionStage()
                     .toCompletableFuture().get(10, TimeUnit.SECONDS)) {
            Device device = os11Device(rig, "device", 3);
            device.accept(upgrade(device, manifest, distribution));

            await().until(() -> rig.eventsOf("device", DeviceEvent.DiscoveryAnswered.class).size() >= 3);
            assertThat(rig.meters.find("peerlift.download.rejected").tag("what", "signature").counter().count())
                    .as("refused once, then banned for this download").isEqualTo(1.0);
            assertThat(rogueRequests).as("only its signature was asked for: no manifest, no payload").hasSize(1);
            assertThat(rig.context.store().find(manifest.manifestSha256())).as("nothing of the rogue was kept").isEmpty();
            assertThat(device.apps()).isEmpty();

            rig.peer("honest", subnet, 2, packageFile);
            await().until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());
            assertThat(rig.eventsOf("device", DeviceEvent.DownloadStarted.class))
                    .extracting(DeviceEvent.DownloadStarted::peerId).containsExactly("honest");
        }
        assertThat(rogueRequests).as("never asked again, though it kept answering discovery").hasSize(1);
    }

    @Test
    void aDeviceNoLongerTrustingTheKeyOfWhatItHoldsKeepsItInstalledButDoesNotServeIt() throws Exception {
        int port = rig.peer("peer", subnet, 2, packageFile).peerServerState().port();
        assertThat(get(subnet.host(2), port, "payload").statusCode()).isEqualTo(200);
        rig.close();
        Path strangerKey = Files.writeString(dir.resolve("other-release-public.pem"),
                ReleaseKeys.toPem(ReleaseKeys.generate().getPublic()), StandardCharsets.US_ASCII);
        // The same data directory, provisioned again with another release key only.
        rig = new TestRig(dir.resolve("rig"), Map.of("trusted-release-keys", strangerKey.toString()));
        Device peer = rig.device("peer", subnet, 2, TARGET, true);
        peer.start();

        assertThat(peer.apps()).as("still installed").extracting(a -> a.manifestSha256())
                .containsExactly(manifest.manifestSha256());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> !peer.peerServerState().running());
    }
}
