package io.peerlift.device.agent;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.device.domain.DeviceState;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.OsFamily;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a device does across a restart: the Upgrade it accepted and had not finished goes on, one that expired
 * does not, a replay of old commands changes nothing, and a device that lost its state is a new incarnation.
 */
class ResumptionTest {

    private static final String NOWHERE = "http://127.0.0.1:9/repository";

    @TempDir
    Path dir;

    private TestRig rig;
    private Subnet subnet;
    private Path packageFile;
    private AppManifest manifest;

    @BeforeEach
    void setUp() throws Exception {
        rig = new TestRig(dir.resolve("rig"));
        subnet = TestRig.randomSubnet();
        packageFile = TestRig.randomPackage(dir, 3 * AppManifest.DEFAULT_CHUNK_SIZE + 17);
        manifest = TestRig.manifestOf(packageFile);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void anUpgradeAcceptedBeforeARestartResumesAndAnswersItsOwnCommand() throws Exception {
        Device before = rig.device("resumer", subnet, 5, TestRig.OS11, false);
        before.start();
        // No peer yet: the device keeps looking for one, mid-job, when it goes down.
        DeviceCommand.Upgrade upgrade = TestRig.upgrade(before, manifest, SourcePolicy.PEER_ONLY, NOWHERE);
        before.accept(upgrade);
        await().until(() -> !rig.eventsOf("resumer", DeviceEvent.DiscoveryAnswered.class).isEmpty());
        before.stop();
        assertThat(rig.eventsOf("resumer", DeviceEvent.DownloadFailed.class))
                .as("a shutdown is no failure: the upgrade goes on after the restart").isEmpty();

        Device after = rig.device("resumer", subnet, 5, TestRig.OS11, false);
        after.start();
        after.accept(upgrade); // the topic's re-delivery: already taken, and resumed below instead
        after.resumeUnfinished();
        rig.peer("seed", subnet, 9, packageFile);

        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> !rig.eventsOf("resumer", DeviceEvent.UpgradeCompleted.class).isEmpty());
        assertThat(rig.eventsOf("resumer", DeviceEvent.UpgradeCompleted.class)).singleElement()
                .satisfies(done -> assertThat(done.commandId()).isEqualTo(upgrade.commandId()))
                .satisfies(done -> assertThat(done.attempt()).isEqualTo(1));
        assertThat(after.osVersion()).isEqualTo(TestRig.TARGET);
        assertThat(rig.eventsOf("resumer", DeviceEvent.DownloadStarted.class)).hasSize(1);

        // Finished: a later restart has nothing to resume, and confirms nothing twice.
        Device third = rig.device("resumer", subnet, 5, TestRig.TARGET, false);
        third.resumeUnfinished();
        assertThat(rig.eventsOf("resumer", DeviceEvent.UpgradeCompleted.class)).hasSize(1);
        assertThat(third.state()).isEqualTo(DeviceState.IDLE);
    }

    @Test
    void anUpgradeThatExpiredWhileTheDeviceWasDownIsForgotten() {
        Device before = rig.device("late", subnet, 6, TestRig.OS11, false);
        DeviceCommand.Upgrade upgrade = withExpiry(TestRig.upgrade(before, manifest, SourcePolicy.PEER_ONLY, NOWHERE),
                Instant.now().plusMillis(1500));
        before.accept(upgrade);
        await().until(() -> !rig.eventsOf("late", DeviceEvent.DiscoveryRequested.class).isEmpty());
        before.stop();
        await().pollDelay(Duration.ofMillis(1600)).until(() -> true);

        int eventsBefore = rig.eventsOf("late").size();
        Device after = rig.device("late", subnet, 6, TestRig.OS11, false);
        after.resumeUnfinished();
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        assertThat(rig.eventsOf("late")).hasSize(eventsBefore);
        assertThat(after.state()).isEqualTo(DeviceState.IDLE);
    }

    /**
     * After a restart, a device serves as it was last configured, before its configuration comes again: in the
     * fault bench a restarted fleet's upgraded holders served nothing until then, its one provisioned peer restarted
     * its server when the configuration came, and the rollout seeded that subnet from the WAN meanwhile.
     */
    @Test
    void aRestartedHolderServesAsLastConfiguredBeforeItsConfigurationComesAgain() throws Exception {
        Device before = rig.peer("holder", subnet, 9, packageFile);
        DeviceConfig configured = new DeviceConfig(UUID.randomUUID(), "holder", 1, List.of(1L), OsFamily.OS12,
                TestRig.TARGET, Map.of(SettingKeys.DISCOVERY_ENABLED, true, SettingKeys.DISCOVERY_PORT, rig.discoveryPort,
                SettingKeys.PEER_SERVER_ENABLED, true, SettingKeys.PEER_SERVER_PORT, 0, SettingKeys.PEER_SERVER_LIMIT, 3),
                Map.of(), 1, Instant.now());
        before.accept(configured);
        await().until(() -> before.peerServerState().running() && before.peerServerState().capacity() == 3);
        before.stop();

        // Not provisioned as a peer: only its remembered configuration lets it serve.
        Device after = rig.device("holder", subnet, 9, TestRig.TARGET, false);
        after.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> after.peerServerState().running());
        assertThat(after.peerServerState().capacity()).isEqualTo(3);
        int eventsBefore = rig.eventsOf("holder").size();
        after.accept(configured); // the same configuration again, from the compacted topic: nothing restarts
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(rig.eventsOf("holder")).hasSize(eventsBefore);
    }

    @Test
    void aDeviceWithoutItsStateIsANewIncarnationAndAReplayOfExpiredCommandsDoesNothing() {
        Device first = rig.device("reborn", subnet, 7, TestRig.OS11, false);
        first.announce();
        first.announce();
        DeviceEvent.DeviceAnnounced last = rig.eventsOf("reborn", DeviceEvent.DeviceAnnounced.class).get(1);
        assertThat(last.epoch()).isPositive();

        Device restarted = rig.device("reborn", subnet, 7, TestRig.OS11, false);
        restarted.announce();
        DeviceEvent.DeviceAnnounced sameIncarnation = rig.eventsOf("reborn", DeviceEvent.DeviceAnnounced.class).get(2);
        assertThat(sameIncarnation.epoch()).isEqualTo(last.epoch());
        assertThat(sameIncarnation.follows(last.epoch(), last.seq())).isTrue();

        // The same device, its data directory emptied (an emptyDir volume): seq starts over in a new epoch.
        Device fresh = new Device("reborn", subnet.host(7), subnet, TestRig.OS11, dir.resolve("empty/reborn"), false,
                rig.context);
        fresh.announce();
        DeviceEvent.DeviceAnnounced reborn = rig.eventsOf("reborn", DeviceEvent.DeviceAnnounced.class).get(3);
        assertThat(reborn.seq()).isEqualTo(1);
        assertThat(reborn.epoch()).isGreaterThan(last.epoch());
        assertThat(reborn.follows(sameIncarnation.epoch(), sameIncarnation.seq())).isTrue();

        // The retained topic replayed into it: every command long expired, none does anything.
        int eventsBefore = rig.eventsOf("reborn").size();
        Instant weekAgo = Instant.now().minus(Duration.ofDays(7));
        fresh.accept(new DeviceCommand.Upgrade(UUID.randomUUID(), "reborn", subnet.toString(), weekAgo, "old-rollout",
                manifest.app(), manifest.version(), manifest.manifestSha256(), SourcePolicy.PEER_THEN_WAN, NOWHERE, 1,
                TestReleaseKey.sign(manifest), weekAgo.plusSeconds(300)));
        fresh.accept(new DeviceCommand.Cancel(UUID.randomUUID(), "reborn", subnet.toString(), weekAgo, "old-rollout",
                1, weekAgo.plusSeconds(300)));
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(rig.eventsOf("reborn")).hasSize(eventsBefore);
        assertThat(fresh.state()).isEqualTo(DeviceState.IDLE);
    }

    @Test
    void aCancelOfTheOldAttemptStopsItAndTheNextAttemptStartsAfreshUnharmedByTheOldOnesEnd() {
        Device device = rig.device("retried", subnet, 8, TestRig.OS11, false);
        DeviceCommand.Upgrade first = TestRig.upgrade(device, manifest, SourcePolicy.PEER_ONLY, NOWHERE);
        device.accept(first);
        await().until(() -> !rig.eventsOf("retried", DeviceEvent.DiscoveryRequested.class).isEmpty());

        // The rollout timed out attempt 1: it cancels it, then sends attempt 2 at once.
        device.accept(new DeviceCommand.Cancel(UUID.randomUUID(), "retried", subnet.toString(), Instant.now(),
                first.rolloutId(), 1, null));
        DeviceCommand.Upgrade second = new DeviceCommand.Upgrade(UUID.randomUUID(), "retried", subnet.toString(),
                Instant.now(), first.rolloutId(), manifest.app(), manifest.version(), manifest.manifestSha256(),
                SourcePolicy.PEER_ONLY, NOWHERE, 2, TestReleaseKey.sign(manifest), null);
        device.accept(second);
        await().until(() -> rig.eventsOf("retried", DeviceEvent.DiscoveryRequested.class).stream()
                .anyMatch(r -> r.attempt() == 2));

        assertThat(rig.eventsOf("retried", DeviceEvent.DownloadFailed.class)).singleElement()
                .satisfies(failed -> assertThat(failed.attempt()).as("the cancelled attempt's end names it").isEqualTo(1));
        // A late Cancel of attempt 1 leaves attempt 2 running.
        device.accept(new DeviceCommand.Cancel(UUID.randomUUID(), "retried", subnet.toString(), Instant.now(),
                first.rolloutId(), 1, null));
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(rig.eventsOf("retried", DeviceEvent.DownloadFailed.class)).hasSize(1);
        assertThat(device.state()).isEqualTo(DeviceState.DISCOVERING);
    }

    private static DeviceCommand.Upgrade withExpiry(DeviceCommand.Upgrade c, Instant expiresAt) {
        return new DeviceCommand.Upgrade(c.commandId(), c.deviceId(), c.subnet(), c.issuedAt(), c.rolloutId(), c.app(),
                c.version(), c.manifestSha256(), c.sourcePolicy(), c.repositoryUrl(), c.attempt(), c.signature(),
                expiresAt);
    }
}
