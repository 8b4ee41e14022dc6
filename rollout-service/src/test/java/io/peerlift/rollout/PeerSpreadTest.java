package io.peerlift.rollout;

import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.count;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.devicesIn;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.otherFolderPath;
import static io.peerlift.rollout.RolloutFixtures.rollout;
import static io.peerlift.rollout.RolloutFixtures.state;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.subnetStatus;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler against the real broker and database: devices are simulated by producing their events, the
 * service's decisions are read back from the command topic.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class PeerSpreadTest {

    private static SimulatedFleet fleet;
    private static CommandWatcher commands;
    private static AppRef app;

    @BeforeEach
    void connect() {
        if (fleet == null) {
            app = RolloutFixtures.uploadPackage();
            fleet = new SimulatedFleet(app, RolloutFixtures.PAYLOAD.length);
            commands = CommandWatcher.commands();
        }
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        fleet.close();
        commands.close();
        fleet = null;
    }

    @Test
    void sourcesDoubleEachRoundWithOneSlotPerPeer() {
        spreadsInWaves(1, 7, List.of(1, 2, 4));
    }

    @Test
    void sourcesTripleEachRoundWithTwoSlotsPerPeer() {
        spreadsInWaves(2, 8, List.of(2, 6));
    }

    /**
     * One initial peer (outside the rollout's folder) and {@code pending} devices: each wave commands exactly as
     * many devices as the peers have free slots, and every device gets exactly one Upgrade.
     */
    private void spreadsInWaves(int slots, int pending, List<Integer> waves) {
        int n = unique();
        String subnet = subnet(n, 1);
        List<String> ids = new ArrayList<>();
        fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(slots);
        ids.add(id(n, 0));
        for (int i = 1; i <= pending; i++) {
            fleet.join(id(n, i), subnet, 10 + i, SOURCE, folderPath(n));
            ids.add(id(n, i));
        }
        awaitInventory(fleet, ids.toArray(String[]::new));

        String rolloutId = createRollout(folder(n), Map.of());

        Set<String> commanded = new HashSet<>();
        int peers = 1;
        for (int wave : waves) {
            int expectedPeers = peers;
            await().until(() -> subnetStatus(rolloutId, subnet).getInt("peers") == expectedPeers);
            // All events so far are applied: the scheduler's decision for this wave is final.
            assertThat(devicesIn(rolloutId, "COMMANDED")).hasSize(wave);
            int expectedTotal = commanded.size() + wave;
            await().until(() -> commands.upgrades(rolloutId).size() >= expectedTotal);
            List<String> fresh = commands.upgradedDeviceIds(rolloutId).stream()
                    .filter(id -> !commanded.contains(id)).toList();
            assertThat(fresh).hasSize(wave);
            commanded.addAll(fresh);
            fleet.upgradeWave(rolloutId, fresh, slots);
            peers += wave;
        }

        await().until(() -> "COMPLETED".equals(state(rolloutId)));
        List<DeviceCommand.Upgrade> upgrades = commands.upgrades(rolloutId);
        assertThat(upgrades).extracting(DeviceCommand::deviceId).doesNotHaveDuplicates().hasSize(pending);
        assertThat(upgrades).allSatisfy(u -> {
            assertThat(u.attempt()).isEqualTo(1);
            assertThat(u.sourcePolicy()).isEqualTo(SourcePolicy.PEER_THEN_WAN);
            assertThat(u.manifestSha256()).isEqualTo(app.manifestSha256());
            assertThat(u.repositoryUrl()).isEqualTo("http://127.0.0.1:8083/api/apps");
            assertThat(u.subnet()).isEqualTo(subnet);
            assertThat(u.signature()).as("the signature the repository accepted the package with")
                    .isEqualTo(RolloutFixtures.sign(RolloutFixtures.TRUSTED_SIGNING_KEY, RolloutFixtures.APP,
                            SimulatedFleet.TARGET, RolloutFixtures.PAYLOAD));
        });
        // The last device's peer server starts after the rollout completed, and still counts.
        await().until(() -> subnetStatus(rolloutId, subnet).getInt("peers") == pending + 1);
        JsonPath status = subnetStatus(rolloutId, subnet);
        assertThat(status.getInt("initialPeers")).isEqualTo(1);
        assertThat(status.getInt("rounds")).isEqualTo(waves.size());
        assertThat(status.getInt("peerDownloads")).isEqualTo(pending);
        List<Integer> samples = status.getList("peersOverTime.peers", Integer.class);
        assertThat(samples).startsWith(1).endsWith(pending + 1).isSorted();
        assertThat(count(rolloutId, "UPGRADED")).isEqualTo(pending);
        assertThat(rollout(rolloutId).getLong("peerBytes")).isEqualTo((long) pending * RolloutFixtures.PAYLOAD.length);
        assertThat(rollout(rolloutId).getLong("wanBytes")).isZero();
    }

    @Test
    void aSubnetWithoutPeerGetsOneWanSeedAndASubnetWithAPeerNone() {
        int n = unique();
        String peerless = subnet(n, 1);
        String served = subnet(n, 2);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            fleet.join(id(n, i), peerless, 10 + i, SOURCE, folderPath(n));
            ids.add(id(n, i));
        }
        fleet.join(id(n, 10), served, 10, TARGET, otherFolderPath()).startPeerServer(1);
        ids.add(id(n, 10));
        for (int i = 11; i <= 13; i++) {
            fleet.join(id(n, i), served, 10 + i, SOURCE, folderPath(n));
            ids.add(id(n, i));
        }
        awaitInventory(fleet, ids.toArray(String[]::new));

        String rolloutId = createRollout(folder(n), Map.of("wanSeedsPerSubnet", 1));

        await().until(() -> commands.upgrades(rolloutId).size() >= 2);
        assertThat(devicesIn(rolloutId, "COMMANDED")).hasSize(2);
        List<DeviceCommand.Upgrade> inPeerless = upgradesIn(rolloutId, peerless);
        assertThat(inPeerless).singleElement().extracting(DeviceCommand.Upgrade::sourcePolicy)
                .isEqualTo(SourcePolicy.WAN_SEED);
        assertThat(upgradesIn(rolloutId, served)).singleElement().extracting(DeviceCommand.Upgrade::sourcePolicy)
                .isEqualTo(SourcePolicy.PEER_THEN_WAN);
        assertThat(subnetStatus(rolloutId, peerless).getString("waiting")).contains("WAN seed");

        // The seed downloads from the WAN and serves: the subnet now spreads from it, without another seed.
        String seed = inPeerless.get(0).deviceId();
        fleet.device(seed).upgradeFully(rolloutId, DownloadSource.WAN, 1);
        await().until(() -> upgradesIn(rolloutId, peerless).size() == 2);
        assertThat(upgradesIn(rolloutId, peerless).get(1).sourcePolicy()).isEqualTo(SourcePolicy.PEER_THEN_WAN);
        await().until(() -> subnetStatus(rolloutId, peerless).getInt("wanDownloads") == 1);
        JsonPath seeded = subnetStatus(rolloutId, peerless);
        assertThat(seeded.getLong("wanBytes")).isEqualTo(RolloutFixtures.PAYLOAD.length);
        assertThat(seeded.getString("waiting")).isNull();
        assertThat(rollout(rolloutId).getLong("wanBytes")).isEqualTo(RolloutFixtures.PAYLOAD.length);
        assertThat(commands.upgrades(rolloutId)).filteredOn(u -> u.sourcePolicy() == SourcePolicy.WAN_SEED).hasSize(1);
        RolloutFixtures.act(rolloutId, "cancel", 200);
    }

    /** One peer serving two pending devices of its subnet: the rollout commands the first from the peer. */
    private record OnePeer(String subnet, SimulatedFleet.SimDevice peer, String rolloutId) {
    }

    private OnePeer onePeerAndTwoDevices() {
        int n = unique();
        String subnet = subnet(n, 1);
        SimulatedFleet.SimDevice peer = fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath());
        peer.startPeerServer(1);
        fleet.join(id(n, 1), subnet, 11, SOURCE, folderPath(n));
        fleet.join(id(n, 2), subnet, 12, SOURCE, folderPath(n));
        awaitInventory(fleet, id(n, 0), id(n, 1), id(n, 2));
        String rolloutId = createRollout(folder(n), Map.of("wanSeedsPerSubnet", 1));
        await().until(() -> commands.upgrades(rolloutId).size() == 1);
        assertThat(commands.upgrades(rolloutId).get(0).sourcePolicy()).isEqualTo(SourcePolicy.PEER_THEN_WAN);
        return new OnePeer(subnet, peer, rolloutId);
    }

    /** The peer restarts: it announces itself not serving, as a restarted device does before its server is up. */
    private static void restart(SimulatedFleet.SimDevice peer) {
        peer.serving = false;
        peer.announce();
    }

    @Test
    void aPeerThatRestartsIsWaitedForInsteadOfSeedingItsSubnetFromTheWan() {
        OnePeer started = onePeerAndTwoDevices();
        restart(started.peer());
        await().until(() -> String.valueOf(subnetStatus(started.rolloutId(), started.subnet()).getString("waiting"))
                .startsWith("1 device(s) of the subnet holding the target stopped serving moments ago"));
        assertThat(commands.upgrades(started.rolloutId())).hasSize(1);

        started.peer().startPeerServer(1);
        fleet.device(commands.upgrades(started.rolloutId()).get(0).deviceId())
                .upgradeFully(started.rolloutId(), DownloadSource.PEER, 1);
        await().until(() -> commands.upgrades(started.rolloutId()).size() == 2);
        assertThat(commands.upgrades(started.rolloutId())).extracting(DeviceCommand.Upgrade::sourcePolicy)
                .containsOnly(SourcePolicy.PEER_THEN_WAN);
        RolloutFixtures.act(started.rolloutId(), "cancel", 200);
    }

    @Test
    void aPeerThatStopsServingForGoodLeavesItsSubnetToAWanSeedAfterTheGrace() {
        OnePeer started = onePeerAndTwoDevices();
        restart(started.peer());
        await().until(() -> String.valueOf(subnetStatus(started.rolloutId(), started.subnet()).getString("waiting"))
                .contains("stopped serving moments ago"));

        // It never serves again: once the grace has passed, the subnet is seeded from the WAN as a peerless one.
        await().atMost(Duration.ofSeconds(40)).until(() -> commands.upgrades(started.rolloutId()).size() == 2);
        assertThat(commands.upgrades(started.rolloutId()).get(1).sourcePolicy()).isEqualTo(SourcePolicy.WAN_SEED);
        RolloutFixtures.act(started.rolloutId(), "cancel", 200);
    }

    @Test
    void theGlobalWanCapHoldsBackTheSecondSubnetsSeedUntilTheFirstIsDone() {
        int n = unique();
        String first = subnet(n, 1);
        String second = subnet(n, 2);
        fleet.join(id(n, 1), first, 11, SOURCE, folderPath(n));
        fleet.join(id(n, 2), second, 12, SOURCE, folderPath(n));
        awaitInventory(fleet, id(n, 1), id(n, 2));

        String rolloutId = createRollout(folder(n), Map.of("maxConcurrentWanDownloads", 1));

        await().until(() -> commands.upgrades(rolloutId).size() >= 1);
        // Which subnet gets the one WAN slot first is not specified; the other must wait for it.
        List<String> commanded = devicesIn(rolloutId, "COMMANDED");
        assertThat(commanded).hasSize(1).containsAnyOf(id(n, 1), id(n, 2));
        String seededFirst = commanded.get(0);
        String seededSecond = seededFirst.equals(id(n, 1)) ? id(n, 2) : id(n, 1);
        String waitingSubnet = seededFirst.equals(id(n, 1)) ? second : first;
        assertThat(subnetStatus(rolloutId, waitingSubnet).getString("waiting")).contains("WAN download slot");

        fleet.device(seededFirst).upgradeFully(rolloutId, DownloadSource.WAN, 1);
        await().until(() -> commands.upgrades(rolloutId).size() == 2);
        assertThat(commands.upgrades(rolloutId).get(1).deviceId()).isEqualTo(seededSecond);
        assertThat(commands.upgrades(rolloutId).get(1).sourcePolicy()).isEqualTo(SourcePolicy.WAN_SEED);
        fleet.device(seededSecond).upgradeFully(rolloutId, DownloadSource.WAN, 1);
        await().until(() -> "COMPLETED".equals(state(rolloutId)));
    }

    @Test
    void ineligibleAndCurrentDevicesAreNeverCommanded() {
        int n = unique();
        String subnet = subnet(n, 1);
        // Already on the target and serving: CURRENT, and the subnet's peer.
        fleet.join(id(n, 0), subnet, 10, TARGET, folderPath(n)).startPeerServer(1);
        fleet.join(id(n, 1), subnet, 11, "11.10.0", folderPath(n));
        fleet.join(id(n, 2), subnet, 12, "10.5", folderPath(n));
        fleet.join(id(n, 3), subnet, 13, SOURCE, folderPath(n));
        fleet.join(id(n, 4), subnet, 14, "11.12.1", folderPath(n));
        awaitInventory(fleet, id(n, 0), id(n, 1), id(n, 2), id(n, 3), id(n, 4));

        String rolloutId = createRollout(folder(n), Map.of());

        assertThat(devicesIn(rolloutId, "INELIGIBLE")).containsExactlyInAnyOrder(id(n, 1), id(n, 2));
        assertThat(devicesIn(rolloutId, "CURRENT")).containsExactly(id(n, 0));
        for (int round = 1; round <= 2; round++) {
            int expected = round;
            await().until(() -> commands.upgrades(rolloutId).size() >= expected);
            String commanded = commands.upgrades(rolloutId).get(round - 1).deviceId();
            fleet.upgradeWave(rolloutId, List.of(commanded), 1);
        }
        await().until(() -> "COMPLETED".equals(state(rolloutId)));
        assertThat(commands.upgradedDeviceIds(rolloutId)).containsExactlyInAnyOrder(id(n, 3), id(n, 4));
        assertThat(count(rolloutId, "INELIGIBLE")).isEqualTo(2);
        assertThat(count(rolloutId, "CURRENT")).isEqualTo(1);
        assertThat(count(rolloutId, "UPGRADED")).isEqualTo(2);
    }

    @Test
    void peerOnlyWithoutSeedsWaitsForAPeerAndSaysSo() {
        int n = unique();
        String subnet = subnet(n, 1);
        fleet.join(id(n, 1), subnet, 11, SOURCE, folderPath(n));
        awaitInventory(fleet, id(n, 1));

        String rolloutId = createRollout(folder(n), Map.of("sourcePolicy", "PEER_ONLY", "wanSeedsPerSubnet", 0));

        assertThat(subnetStatus(rolloutId, subnet).getString("waiting")).contains("PEER_ONLY");
        assertThat(devicesIn(rolloutId, "PENDING")).containsExactly(id(n, 1));

        // A peer of another folder turns up in the subnet: the waiting device is commanded, peers only.
        fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(1);
        await().until(() -> commands.upgrades(rolloutId).size() == 1);
        assertThat(commands.upgrades(rolloutId).get(0).sourcePolicy()).isEqualTo(SourcePolicy.PEER_ONLY);
        assertThat(subnetStatus(rolloutId, subnet).getString("waiting")).isNull();
        RolloutFixtures.act(rolloutId, "cancel", 200);
    }

    @Test
    void whichPeersServeHttpsAndWhyOneDoesNotIsInTheInventoryTheSubnetsStatusAndTheRolloutsDevices() {
        int n = unique();
        String subnet = subnet(n, 1);
        SimulatedFleet.SimDevice secure = fleet.join(id(n, 0), subnet, 10, TARGET, folderPath(n));
        secure.httpsPort = 22337;
        secure.startPeerServer(1);
        SimulatedFleet.SimDevice plain = fleet.join(id(n, 1), subnet, 11, TARGET, otherFolderPath());
        plain.httpsDown = "the device has no certificate (peerlift.device.tls.cert-file)";
        plain.startPeerServer(1);
        fleet.join(id(n, 2), subnet, 12, SOURCE, folderPath(n));
        awaitInventory(fleet, id(n, 0), id(n, 1), id(n, 2));

        JsonPath served = inventory(secure.id);
        assertThat(served.getInt("peerServerHttpsPort")).isEqualTo(22337);
        assertThat(served.getString("peerServerHttpsDown")).isNull();
        JsonPath down = inventory(plain.id);
        assertThat(down.getInt("peerServerHttpsPort")).isZero();
        assertThat(down.getString("peerServerHttpsDown")).isEqualTo(plain.httpsDown);

        String rolloutId = createRollout(folder(n), Map.of());
        await().until(() -> subnetStatus(rolloutId, subnet).getInt("peers") == 2);
        assertThat(subnetStatus(rolloutId, subnet).getInt("httpsPeers")).isEqualTo(1);
        JsonPath devices = asViewer().get("/api/rollouts/{id}/devices", rolloutId).then().statusCode(200)
                .extract().jsonPath();
        assertThat(devices.getList("deviceId")).containsExactly(id(n, 0), id(n, 2));
        assertThat(devices.getList("peerServerRunning")).containsExactly(true, false);
        assertThat(devices.getList("peerServerHttpsPort")).containsExactly(22337, 0);

        // HTTPS stops with the peer server; the next announcement that it serves brings it back.
        fleet.send(new DeviceEvent.PeerServerStopped(UUID.randomUUID(), secure.id, subnet, Instant.now(),
                secure.nextSeq(), secure.epoch, 22335, "reconfigured"));
        secure.serving = false;
        awaitInventory(fleet, secure.id);
        assertThat(inventory(secure.id).getInt("peerServerHttpsPort")).isZero();
        await().until(() -> subnetStatus(rolloutId, subnet).getInt("httpsPeers") == 0);
        secure.serving = true;
        secure.announce();
        awaitInventory(fleet, secure.id);
        assertThat(inventory(secure.id).getInt("peerServerHttpsPort")).isEqualTo(22337);
        await().until(() -> subnetStatus(rolloutId, subnet).getInt("httpsPeers") == 1);
        RolloutFixtures.act(rolloutId, "cancel", 200);
    }

    private static JsonPath inventory(String deviceId) {
        return asViewer().get("/api/devices/{id}", deviceId).then().statusCode(200).extract().jsonPath();
    }

    private static List<DeviceCommand.Upgrade> upgradesIn(String rolloutId, String subnet) {
        return commands.upgrades(rolloutId).stream().filter(u -> u.subnet().equals(subnet)).toList();
    }

    static String id(int n, int device) {
        return "t" + n + "-d" + (device < 10 ? "0" : "") + device;
    }
}
