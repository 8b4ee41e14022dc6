package io.peerlift.device.agent;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppManifest;
import io.peerlift.events.ByteRange;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Distribution;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Sha256;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.peerlift.device.agent.TestRig.APP;
import static io.peerlift.device.agent.TestRig.OS11;
import static io.peerlift.device.agent.TestRig.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Whole devices swarming a package over real UDP and HTTP on loopback, rate-limited as real uploads are. */
class SwarmTest {

    private static final int CHUNK = AppManifest.DEFAULT_CHUNK_SIZE;

    @TempDir
    Path dir;

    private TestRig rig;
    private final Subnet subnet = TestRig.randomSubnet();

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    private TestRig rig(long uploadBytesPerSecond) {
        rig = new TestRig(dir, TestRig.swarmKeys(uploadBytesPerSecond, Map.of()));
        return rig;
    }

    private static DeviceCommand.Upgrade swarm(Device device, AppManifest manifest, SourcePolicy policy,
                                               String repositoryUrl) {
        return TestRig.upgrade(device, manifest, policy, repositoryUrl, Distribution.SWARM);
    }

    private Device os11Device(String id, int host) {
        return rig.os11Device(id, subnet, host);
    }

    private void assertStoredPayloadIsVerified(AppManifest manifest) throws Exception {
        Path payload = rig.context.store().find(manifest.manifestSha256()).orElseThrow().payload();
        assertThat(Sha256.hex(Files.readAllBytes(payload))).isEqualTo(manifest.sha256());
    }

    @Test
    void devicesServeWhatTheyVerifiedWhileDownloadingAndTheWanCarriesOnePackage() throws Exception {
        rig(4L << 20);
        Path packageFile = TestRig.randomPackage(dir.resolve("packages"), 12 * CHUNK + 777);
        AppManifest manifest = TestRig.manifestOf(packageFile);
        ServedPackage whole = new ServedPackage(manifest, manifest.canonicalBytes(), packageFile, null);
        try (PeerServers.Serving repository = rig.serve("repository", "127.0.0.1", 4, (a, v) -> Optional.of(whole))) {
            String repositoryUrl = "http://127.0.0.1:" + repository.port() + PeerServers.PATH_PREFIX;
            Device seed = os11Device("seed", 2);
            seed.accept(swarm(seed, manifest, SourcePolicy.WAN_SEED, repositoryUrl));
            List<Device> swarm = IntStream.range(0, 5).mapToObj(i -> os11Device("d" + i, 10 + i)).toList();
            swarm.forEach(d -> d.accept(swarm(d, manifest, SourcePolicy.PEER_ONLY, repositoryUrl)));

            await().atMost(Duration.ofSeconds(60)).until(() -> swarm.stream()
                    .allMatch(d -> !rig.eventsOf(d.id(), DeviceEvent.UpgradeCompleted.class).isEmpty()));
        }
        for (Device device : rig.devices()) { // the seed and the swarm
            DeviceEvent.DownloadCompleted completed = rig.eventsOf(device.id(), DeviceEvent.DownloadCompleted.class)
                    .get(0);
            assertThat(completed.wanBytes()).isEqualTo(device.id().equals("seed") ? manifest.size() : 0);
            // A chunk verified every few milliseconds, progress told every swarm.progress-interval (and at the end),
            // not every progress-interval (200 ms in this rig).
            long interval = rig.context.config().swarm().progressInterval().toMillis();
            assertThat(rig.eventsOf(device.id(), DeviceEvent.DownloadProgress.class)).as(device.id())
                    .isNotEmpty().hasSizeLessThanOrEqualTo((int) (completed.durationMillis() / interval) + 1);
            assertThat(device.apps()).singleElement().extracting(a -> a.manifestSha256())
                    .isEqualTo(manifest.manifestSha256());
        }
        // Some device uploaded chunks to another before it had the package itself: it served while downloading.
        List<DeviceEvent> events = rig.events;
        assertThat(IntStream.range(0, 5).mapToObj(i -> "d" + i).filter(id -> {
            int firstUpload = indexOf(events, id, DeviceEvent.UploadCompleted.class);
            return firstUpload >= 0 && firstUpload < indexOf(events, id, DeviceEvent.DownloadCompleted.class);
        })).isNotEmpty();
        assertStoredPayloadIsVerified(manifest);
    }

    private static int indexOf(List<DeviceEvent> events, String deviceId, Class<? extends DeviceEvent> type) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).deviceId().equals(deviceId) && type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aRoguePeerInASwarmGetsNothingInstalledAndIsBanned() throws Exception {
        rig(0);
        Path packageFile = TestRig.randomPackage(dir.resolve("packages"), 6 * CHUNK + 99);
        AppManifest manifest = TestRig.manifestOf(packageFile);
        byte[] bytes = Files.readAllBytes(packageFile);
        for (int i = 0; i < bytes.length; i += 4096) {
            bytes[i] ^= 0x01; // every chunk wrong
        }
        Path corrupt = Files.write(dir.resolve("corrupt.bin"), bytes);
        ServedPackage tampered = new ServedPackage(manifest, manifest.canonicalBytes(), corrupt,
                TestReleaseKey.sign(manifest)); // a well-formed lie: the genuine signature, other bytes
        BitSet all = new BitSet();
        all.set(0, manifest.chunkCount());
        AtomicInteger roguePayloads = new AtomicInteger();
        try (PeerServers.Serving rogueServer = rig.serve("rogue", subnet.host(9), 5, (a, v) -> {
            roguePayloads.incrementAndGet();
            return Optional.of(tampered);
        });
             DiscoveryHub.Registration rogue = rig.context.discoveryHub().answer(rig.discoveryPort, "rogue", subnet,
                     subnet.host(9), (a, v) -> Optional.of(new PeerOffer("rogue", subnet.host(9), rogueServer.port(),
                             APP, TARGET, manifest.manifestSha256(), 0, 5, 0, PeerOffer.haveOf(all))))
                     .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)) {
            Device device = os11Device("device", 3);
            device.accept(swarm(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));

            await().until(() -> Optional.ofNullable(rig.meters.find("peerlift.download.rejected").tag("what", "chunk")
                    .counter()).map(c -> c.count() >= 1).orElse(false));
            await().during(Duration.ofSeconds(2)).until(() -> device.apps().isEmpty());
            int asked = roguePayloads.get();
            assertThat(device.osVersion()).isEqualTo(OS11);
            assertThat(rig.context.store().find(manifest.manifestSha256()).orElseThrow().has(0))
                    .as("no chunk of the rogue was kept").isFalse();

            rig.peer("honest", subnet, 2, packageFile);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());
            assertThat(roguePayloads).as("banned: never asked again, though it kept answering discovery")
                    .hasValue(asked);
        }
        assertThat(rig.meters.find("peerlift.download.rejected").tag("what", "chunk").counter().count())
                .as("banned at its first bad chunk").isEqualTo(1.0);
        assertStoredPayloadIsVerified(manifest);
    }

    /**
     * A holder whose every chunk answer carries a have-list that is no Base64 ("A"), and a liar whose discovery
     * answer does: the liar is dropped (counted as a bad have), the holder's header ignored, and the swarm completes
     * from the holder with what its discovery answer listed.
     */
    @Test
    void malformedHaveListsNeverFailASwarm() throws Exception {
        rig(0);
        Path packageFile = TestRig.randomPackage(dir.resolve("packages"), 5 * CHUNK + 123);
        AppManifest manifest = TestRig.manifestOf(packageFile);
        byte[] payload = Files.readAllBytes(packageFile);
        BitSet all = new BitSet();
        all.set(0, manifest.chunkCount());
        AtomicInteger ranges = new AtomicInteger();
        String holder = subnet.host(9);
        HttpServer server = rig.vertx.createHttpServer().requestHandler(request -> {
            if (request.path().endsWith("/manifest")) {
                request.response().end(Buffer.buffer(manifest.canonicalBytes()));
                return;
            }
            if (request.path().endsWith("/signature")) {
                request.response().end(EventCodec.encode(TestReleaseKey.sign(manifest)));
                return;
            }
            ByteRange range = ByteRange.select(request.getHeader("Range"), payload.length).orElseThrow();
            ranges.incrementAndGet();
            request.response().setStatusCode(206).putHeader("Content-Range", range.contentRange())
                    .putHeader(PeerServers.HAVE_HEADER, "A")
                    .end(Buffer.buffer(Arrays.copyOfRange(payload, (int) range.start(), (int) (range.end() + 1))));
        }).listen(0, holder).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (DiscoveryHub.Registration honest = rig.context.discoveryHub().answer(rig.discoveryPort, "holder", subnet,
                holder, (a, v) -> Optional.of(new PeerOffer("holder", holder, server.actualPort(), APP, TARGET,
                        manifest.manifestSha256(), 0, 2, 0, PeerOffer.haveOf(all))))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
             DiscoveryHub.Registration liar = rig.context.discoveryHub().answer(rig.discoveryPort, "liar", subnet,
                     subnet.host(8), (a, v) -> Optional.of(new PeerOffer("liar", subnet.host(8), server.actualPort(),
                             APP, TARGET, manifest.manifestSha256(), 0, 2, 0, "A")))
                     .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)) {
            Device device = os11Device("device", 3);
            device.accept(swarm(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());
        } finally {
            server.close();
        }
        DeviceEvent.DownloadCompleted completed = rig.eventsOf("device", DeviceEvent.DownloadCompleted.class).get(0);
        assertThat(completed.peerBytes()).isEqualTo(manifest.size());
        assertThat(ranges).as("one request per chunk: the header changed nothing").hasValue(manifest.chunkCount());
        assertThat(rig.metrics.droppedCount("bad-have"))
                .as("the liar's answers").isGreaterThanOrEqualTo(1.0);
        assertThat(rig.eventsOf("device", DeviceEvent.DiscoveryAnswered.class))
                .flatExtracting(DeviceEvent.DiscoveryAnswered::offers).extracting(PeerOffer::peerId)
                .contains("holder").doesNotContain("liar");
        assertStoredPayloadIsVerified(manifest);
    }

    @Test
    void aPeerKilledMidSwarmCostsOnlyItsChunksInFlight() throws Exception {
        rig(4L << 20);
        Path packageFile = TestRig.randomPackage(dir.resolve("packages"), 16 * CHUNK);
        AppManifest manifest = TestRig.manifestOf(packageFile);
        Device doomed = rig.peer("doomed", subnet, 2, packageFile);
        rig.peer("survivor", subnet, 4, packageFile);
        Device device = os11Device("device", 3);
        device.accept(swarm(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));

        // Killed while it sends a chunk, once the swarm is under way (two chunks served).
        await().until(() -> rig.meters.find("peerlift.upload.bytes").counter().count() >= 2.0 * CHUNK
                && doomed.peerServerState().activeUploads() > 0);
        doomed.stop();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());

        DeviceEvent.DownloadCompleted completed = rig.eventsOf("device", DeviceEvent.DownloadCompleted.class).get(0);
        int pipeline = rig.context.config().swarm().pipelinePerSource();
        assertThat(completed.peerBytes()).as("what the killed peer had in flight is all that was fetched twice")
                .isGreaterThanOrEqualTo(manifest.size())
                .isLessThan(manifest.size() + (long) pipeline * CHUNK);
        assertThat(rig.eventsOf("device", DeviceEvent.UploadCompleted.class)).isEmpty();
        assertStoredPayloadIsVerified(manifest);
    }
}
