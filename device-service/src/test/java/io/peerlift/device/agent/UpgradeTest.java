package io.peerlift.device.agent;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.device.domain.DeviceState;
import io.peerlift.device.download.StoredPackage;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppManifest;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.OsFamily;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.Sha256;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static io.peerlift.device.agent.TestRig.APP;
import static io.peerlift.device.agent.TestRig.OS11;
import static io.peerlift.device.agent.TestRig.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** Whole devices upgrading each other over real UDP and HTTP on loopback. */
class UpgradeTest {

    @TempDir
    Path dir;

    private TestRig rig;
    private Path packageFile;
    private AppManifest manifest;
    private Subnet subnet;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        rig = new TestRig(dir);
        packageFile = TestRig.randomPackage(dir.resolve("packages"), 3 * AppManifest.DEFAULT_CHUNK_SIZE + 4_321);
        manifest = TestRig.manifestOf(packageFile);
        subnet = TestRig.randomSubnet();
    }

    @AfterEach
    void tearDown() {
        rig.close();
        executor.shutdownNow();
    }

    private DeviceConfig os12PeerConfig(Device device, long revision) {
        return new DeviceConfig(UUID.randomUUID(), device.id(), 1, List.of(1L), OsFamily.OS12, TARGET,
                Map.of(SettingKeys.DISCOVERY_ENABLED, true, SettingKeys.DISCOVERY_PORT, rig.discoveryPort,
                        SettingKeys.PEER_SERVER_ENABLED, true, SettingKeys.PEER_SERVER_PORT, 0,
                        SettingKeys.PEER_SERVER_LIMIT, 3),
                Map.of(), revision, Instant.now());
    }

    private Device os11Device(String id, int host) {
        Device device = rig.device(id, subnet, host, OS11, false);
        device.start();
        return device;
    }

    @Test
    void anOs11DeviceUpgradesFromAPeerAndBecomesAPeerOnceItsOs12ConfigurationArrives() throws Exception {
        Device peer = rig.peer("peer", subnet, 2, packageFile);
        Device device = os11Device("device", 3);

        DeviceCommand.Upgrade command = TestRig.upgrade(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused");
        device.accept(command);

        await().until(() -> rig.eventsOf("device", DeviceEvent.DeviceAnnounced.class).size() == 2);
        List<DeviceEvent> events = rig.eventsOf("device");
        assertThat(rig.eventsOf("device", DeviceEvent.Answer.class)).as("every event of the upgrade answers its command")
                .hasSizeGreaterThanOrEqualTo(6)
                .allSatisfy(answer -> assertThat(answer)
                        .extracting(DeviceEvent.Answer::rolloutId, DeviceEvent.Answer::commandId, DeviceEvent.Answer::attempt)
                        .containsExactly(command.rolloutId(), command.commandId(), command.attempt()));
        assertThat(events).extracting(e -> e.getClass().getSimpleName()).filteredOn(n -> !n.equals("DownloadProgress"))
                .containsExactly("DeviceAnnounced", "DiscoveryRequested", "DiscoveryAnswered", "DownloadStarted",
                        "DownloadCompleted", "UpgradeStarted", "UpgradeCompleted", "DeviceAnnounced");
        assertThat(events).extracting(DeviceEvent::seq).containsExactlyElementsOf(
                LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(rig.eventsOf("device", DeviceEvent.DiscoveryAnswered.class).get(0).offers())
                .extracting(PeerOffer::peerId).containsExactly("peer");
        DeviceEvent.DownloadStarted started = rig.eventsOf("device", DeviceEvent.DownloadStarted.class).get(0);
        assertThat(started.source()).isEqualTo(DownloadSource.PEER);
        assertThat(started.peerId()).isEqualTo("peer");
        DeviceEvent.DownloadCompleted completed = rig.eventsOf("device", DeviceEvent.DownloadCompleted.class).get(0);
        assertThat(completed.peerBytes()).isEqualTo(manifest.size());
        assertThat(completed.wanBytes()).isZero();
        DeviceEvent.UpgradeCompleted upgraded = rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).get(0);
        assertThat(upgraded.newOsVersion()).isEqualTo(TARGET);
        assertThat(upgraded.installMillis()).as("the device's own clock, not the setting").isGreaterThanOrEqualTo(0);
        assertThat(upgraded.rebootMillis()).isGreaterThanOrEqualTo(0);
        DeviceEvent.DeviceAnnounced announced = rig.eventsOf("device", DeviceEvent.DeviceAnnounced.class).get(1);
        assertThat(announced.osVersion()).isEqualTo(TARGET);
        assertThat(announced.apps()).containsExactly(new AppRef(APP, TARGET, manifest.manifestSha256()));
        assertThat(announced.peerServer().running()).as("IGEL: no peer server until a profile enables it").isFalse();
        await().untilAsserted(() -> assertThat(rig.eventsOf("peer", DeviceEvent.UploadCompleted.class))
                .extracting(DeviceEvent.UploadCompleted::toDeviceId, DeviceEvent.UploadCompleted::bytes)
                .containsExactly(tuple("device", manifest.size())));
        assertThat(Files.readAllBytes(rig.context.store().find(manifest.manifestSha256()).orElseThrow().payload()))
                .isEqualTo(Files.readAllBytes(packageFile));

        device.accept(os12PeerConfig(device, 1));
        await().until(() -> !rig.eventsOf("device", DeviceEvent.PeerServerStarted.class).isEmpty());
        DeviceEvent.PeerServerStarted serving = rig.eventsOf("device", DeviceEvent.PeerServerStarted.class).get(0);
        assertThat(serving.capacity()).isEqualTo(3);
        assertThat(serving.ip()).isEqualTo(device.ip());

        peer.stop();
        Device next = os11Device("next", 4);
        next.accept(TestRig.upgrade(next, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));
        await().until(() -> !rig.eventsOf("next", DeviceEvent.UpgradeCompleted.class).isEmpty());
        assertThat(rig.eventsOf("next", DeviceEvent.DownloadStarted.class).get(0).peerId())
                .as("the freshly upgraded device serves the next one").isEqualTo("device");
    }

    @Test
    void aPeerReportsTheUploadCapacityItsServerIsCappedAt() throws Exception {
        try (TestRig capped = new TestRig(dir.resolve("capped"), Map.of("upload-rate-bytes-per-second",
                String.valueOf(4L << 20)))) {
            Device peer = capped.peer("capped-peer", subnet, 2, packageFile);

            await().until(() -> !capped.eventsOf("capped-peer", DeviceEvent.PeerServerStarted.class).isEmpty());
            assertThat(capped.eventsOf("capped-peer", DeviceEvent.PeerServerStarted.class).get(0).uploadBytesPerSecond())
                    .isEqualTo(4L << 20);
            assertThat(peer.peerServerState().uploadBytesPerSecond()).as("and in its announcements")
                    .isEqualTo(4L << 20);
        }
        Device uncapped = rig.peer("peer", subnet, 2, packageFile);
        assertThat(uncapped.peerServerState().uploadBytesPerSecond()).as("not capped").isZero();
    }

    @Test
    void aRoguePeerIsBannedAndNothingUnverifiedIsInstalledOrServed() throws Exception {
        Path corrupt = dir.resolve("corrupt.bin");
        byte[] bytes = Files.readAllBytes(packageFile);
        bytes[bytes.length - 10] ^= 0x01;
        Files.write(corrupt, bytes);
        ServedPackage tampered = new ServedPackage(manifest, manifest.canonicalBytes(), corrupt,
                TestReleaseKey.sign(manifest)); // a well-formed lie: the genuine signature, other bytes
        AtomicInteger rogueRequests = new AtomicInteger();
        try (PeerServers.Serving rogueServer = rig.serve("rogue", subnet.host(9), 5, (a, v) -> {
            rogueRequests.incrementAndGet();
            return Optional.of(tampered);
        });
             DiscoveryHub.Registration rogue = rig.context.discoveryHub().answer(rig.discoveryPort, "rogue", subnet,
                     subnet.host(9), (a, v) -> Optional.of(new PeerOffer("rogue", subnet.host(9), rogueServer.port(),
                             APP, TARGET, manifest.manifestSha256(), 0, 5, 0))).toCompletionStage().toCompletableFuture()
                     .get(10, java.util.concurrent.TimeUnit.SECONDS)) {
            Device device = os11Device("device", 3);
            device.accept(TestRig.upgrade(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));

            await().until(() -> rig.eventsOf("device", DeviceEvent.DiscoveryAnswered.class).size() >= 3);
            assertThat(device.apps()).isEmpty();
            assertThat(device.osVersion()).isEqualTo(OS11);
            assertThat(device.view().state()).isIn(DeviceState.DISCOVERING, DeviceState.DOWNLOADING);
            StoredPackage entry = rig.context.store().find(manifest.manifestSha256()).orElseThrow();
            assertThat(entry.has(manifest.chunkCount() - 1)).as("the bad chunk was never written").isFalse();
            assertThat(entry.has(0)).as("the good ones were, once").isTrue();
            assertThat(rig.eventsOf("device", DeviceEvent.PeerServerStarted.class)).isEmpty();

            rig.peer("honest", subnet, 2, packageFile);
            await().until(() -> !rig.eventsOf("device", DeviceEvent.UpgradeCompleted.class).isEmpty());
            DeviceEvent.DownloadCompleted completed = rig.eventsOf("device", DeviceEvent.DownloadCompleted.class).get(0);
            assertThat(completed.peerBytes()).as("the rogue's bad chunk is counted, then refetched")
                    .isEqualTo(manifest.size() + manifest.chunkLength(manifest.chunkCount() - 1));
            assertThat(rig.eventsOf("device", DeviceEvent.DownloadStarted.class)).hasSize(1);
        }
        assertThat(rogueRequests).as("signature, manifest and one payload range, then banned").hasValue(3);
        assertThat(rig.meters.find("peerlift.download.rejected").tag("what", "chunk").counter().count()).isEqualTo(1.0);
        assertThat(Sha256.hex(Files.readAllBytes(rig.context.store().find(manifest.manifestSha256()).orElseThrow()
                .payload()))).isEqualTo(manifest.sha256());
    }

    @Test
    void peerThenWanFallsBackToTheRepositoryAfterEmptyRoundsAndWanSeedGoesThereAtOnce() throws Exception {
        StoredPackage stored = rig.context.store().importPackage(APP, TARGET, packageFile);
        try (PeerServers.Serving repository = rig.serve("repository", "127.0.0.1", 10,
                (a, v) -> Optional.of(stored.served(io.peerlift.device.peer.VerifiedChunks.ALL, null)))) {
            String repositoryUrl = "http://127.0.0.1:" + repository.port() + PeerServers.PATH_PREFIX + "/";
            Device fallback = os11Device("fallback", 3);
            Device seed = os11Device("seed", 4);

            fallback.accept(TestRig.upgrade(fallback, manifest, SourcePolicy.PEER_THEN_WAN, repositoryUrl));
            seed.accept(TestRig.upgrade(seed, manifest, SourcePolicy.WAN_SEED, repositoryUrl));

            await().until(() -> !rig.eventsOf("fallback", DeviceEvent.UpgradeCompleted.class).isEmpty()
                    && !rig.eventsOf("seed", DeviceEvent.UpgradeCompleted.class).isEmpty());
        }
        assertThat(rig.eventsOf("fallback", DeviceEvent.DiscoveryAnswered.class))
                .as("wan-fallback-after-rounds is 2 in the rig").hasSize(2)
                .allSatisfy(answered -> assertThat(answered.offers()).isEmpty());
        assertThat(rig.eventsOf("seed", DeviceEvent.DiscoveryRequested.class)).isEmpty();
        for (String id : List.of("fallback", "seed")) {
            DeviceEvent.DownloadCompleted completed = rig.eventsOf(id, DeviceEvent.DownloadCompleted.class).get(0);
            assertThat(completed.source()).isEqualTo(DownloadSource.WAN);
            assertThat(completed.wanBytes()).isEqualTo(manifest.size());
            assertThat(completed.peerBytes()).isZero();
        }
    }

    @Test
    void ineligibleAndBusyDevicesRefuseReDeliveriesAreIgnoredAndCancelEndsTheDownload() {
        Device old = rig.device("old", subnet, 5, "11.10.250", false);
        DeviceCommand.Upgrade refused = TestRig.upgrade(old, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/x");
        old.accept(refused);
        old.accept(refused);
        assertThat(rig.eventsOf("old", DeviceEvent.UpgradeFailed.class)).singleElement()
                .satisfies(failed -> assertThat(failed.reason()).contains("below 11.11.150"));

        Device waiting = os11Device("waiting", 6);
        DeviceCommand.Upgrade upgrade = TestRig.upgrade(waiting, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/x");
        waiting.accept(upgrade);
        waiting.accept(upgrade);
        await().until(() -> rig.eventsOf("waiting", DeviceEvent.DiscoveryAnswered.class).size() >= 2);
        waiting.accept(new DeviceCommand.Upgrade(UUID.randomUUID(), "waiting", subnet.toString(), Instant.now(),
                "rollout-2", APP, TARGET, manifest.manifestSha256(), SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/x", 1,
                TestReleaseKey.sign(manifest), null));
        assertThat(rig.eventsOf("waiting", DeviceEvent.UpgradeFailed.class)).singleElement()
                .satisfies(failed -> assertThat(failed.rolloutId()).isEqualTo("rollout-2"))
                .satisfies(failed -> assertThat(failed.reason()).contains("busy with the upgrade of rollout rollout-1"));
        // The rollout retries while the first attempt still runs: the running download answers the retry from now on.
        DeviceCommand.Upgrade retry = new DeviceCommand.Upgrade(UUID.randomUUID(), "waiting", subnet.toString(),
                Instant.now(), upgrade.rolloutId(), APP, TARGET, manifest.manifestSha256(), SourcePolicy.PEER_ONLY,
                "http://127.0.0.1:9/x", 2, TestReleaseKey.sign(manifest), null);
        waiting.accept(retry);
        await().until(() -> rig.eventsOf("waiting", DeviceEvent.DiscoveryRequested.class).stream()
                .anyMatch(requested -> requested.attempt() == 2 && retry.commandId().equals(requested.commandId())));
        waiting.accept(new DeviceCommand.Cancel(UUID.randomUUID(), "waiting", subnet.toString(), Instant.now(),
                upgrade.rolloutId(), 2, null));
        await().until(() -> !rig.eventsOf("waiting", DeviceEvent.DownloadFailed.class).isEmpty());
        DeviceEvent.DownloadFailed cancelled = rig.eventsOf("waiting", DeviceEvent.DownloadFailed.class).get(0);
        assertThat(cancelled.reason()).isEqualTo("cancelled");
        assertThat(cancelled.commandId()).isEqualTo(retry.commandId());
        assertThat(cancelled.attempt()).isEqualTo(2);
        assertThat(waiting.view().state()).isEqualTo(DeviceState.FAILED);
        assertThat(rig.eventsOf("waiting", DeviceEvent.DiscoveryRequested.class))
                .extracting(DeviceEvent.DiscoveryRequested::round).as("one download despite the re-delivery")
                .doesNotHaveDuplicates();
    }

    @Test
    void serveBeforeRebootServesAsSoonAsTheDownloadIsVerified() throws Exception {
        rig.close();
        rig = new TestRig(dir.resolve("early"), Map.of("serve-before-reboot", "true"));
        rig.peer("peer", subnet, 2, packageFile);
        Device device = os11Device("device", 3);
        device.accept(TestRig.upgrade(device, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused"));
        await().untilAsserted(() -> assertThat(rig.eventsOf("device")).extracting(e -> e.getClass().getSimpleName())
                .filteredOn(n -> n.startsWith("Download") && !n.equals("DownloadProgress") || n.startsWith("Upgrade")
                        || n.startsWith("PeerServer"))
                .containsExactly("DownloadStarted", "DownloadCompleted", "PeerServerStarted", "UpgradeStarted",
                        "PeerServerStopped", "UpgradeCompleted", "PeerServerStarted"));
    }

    @Test
    void seqKeepsRisingAcrossARestart() {
        Device first = os11Device("restarted", 7);
        first.announce();
        first.stop();
        Device again = rig.device("restarted", subnet, 7, OS11, false);
        again.announce();
        List<Long> seqs = rig.eventsOf("restarted").stream().map(DeviceEvent::seq).toList();
        assertThat(seqs).hasSize(3).isSorted().doesNotHaveDuplicates();
        assertThat(seqs.subList(0, 2)).containsExactly(1L, 2L);
    }
}
