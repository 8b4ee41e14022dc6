package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.rollout;
import static io.peerlift.rollout.RolloutFixtures.state;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.subnetStatus;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stall guards against the real service, broker and database: a WAN seed that upgrades but never serves,
 * and a seed that served and then fell silent (crashed), are expired and their subnet is seeded again; the
 * rollout, the device and the inventory say why. The guards' times are shortened to seconds here.
 */
@QuarkusTest
@TestProfile(StallGuardsTest.ShortStalls.class)
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class StallGuardsTest extends FleetDrivenTest {

    /** A peer silent for 4 s is expired; a seed has 2 s after its upgrade to serve. */
    public static class ShortStalls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(TestTokens.issuer().quarkusConfig());
            config.put("peerlift.rollout.stalls.peer-silence", "4s");
            config.put("peerlift.rollout.stalls.seed-serves-within", "2s");
            return config;
        }
    }

    private static final Duration GUARD_LIMIT = Duration.ofSeconds(30);

    /** A rollout over three devices of one subnet without a peer, and the device commanded as its WAN seed. */
    private record OneSubnet(String subnet, String rolloutId, String seed) {
    }

    private OneSubnet threeDevicesOneWanSeed() {
        int n = unique();
        String subnet = subnet(n, 1);
        for (int i = 1; i <= 3; i++) {
            fleet.join(id(n, i), subnet, 10 + i, SOURCE, folderPath(n));
        }
        awaitInventory(fleet, id(n, 1), id(n, 2), id(n, 3));
        String rolloutId = createRollout(folder(n), Map.of("wanSeedsPerSubnet", 1));
        return new OneSubnet(subnet, rolloutId, awaitUpgrades(rolloutId, 1).get(0).deviceId());
    }

    @Test
    void aSeedThatUpgradesButNeverServesIsReplacedByAnotherSeed() {
        OneSubnet started = threeDevicesOneWanSeed();
        String subnet = started.subnet();
        String rolloutId = started.rolloutId();
        String first = started.seed();
        SimulatedFleet.SimDevice seed = fleet.device(first);
        seed.startDownload(rolloutId, DownloadSource.WAN);
        seed.completeDownload(rolloutId, DownloadSource.WAN, null);
        seed.install(rolloutId); // upgraded, but its peer server never starts

        List<DeviceCommand.Upgrade> upgrades = awaitUpgrades(rolloutId, 2);
        assertThat(upgrades.get(1).sourcePolicy()).as("the subnet is seeded again").isEqualTo(SourcePolicy.WAN_SEED);
        String second = upgrades.get(1).deviceId();
        assertThat(second).isNotEqualTo(first);
        JsonPath expired = device(rolloutId, first);
        assertThat(expired.getString("state")).isEqualTo("UPGRADED");
        assertThat(expired.getString("seedExpiry")).startsWith("upgraded from the WAN but not serving the subnet 2 s")
                .contains("its peer server is not running");
        assertThat(rollout(rolloutId).getInt("seedsExpired")).isEqualTo(1);
        assertThat(subnetStatus(rolloutId, subnet).getString("waiting"))
                .contains("waiting for its 1 WAN seed(s)", "1 earlier seed(s) upgraded but did not serve: replaced");

        // The second seed serves: the last device spreads from it and the rollout completes with two WAN downloads.
        fleet.device(second).upgradeFully(rolloutId, DownloadSource.WAN, 1);
        DeviceCommand.Upgrade last = awaitUpgrades(rolloutId, 3).get(2);
        assertThat(last.sourcePolicy()).isEqualTo(SourcePolicy.PEER_THEN_WAN);
        fleet.device(second).announce(); // its heartbeat: a live peer is never expired
        fleet.device(last.deviceId()).upgradeFully(rolloutId, DownloadSource.PEER, 1);
        await().atMost(GUARD_LIMIT).until(() -> "COMPLETED".equals(state(rolloutId)));
        assertThat(rollout(rolloutId).getInt("deviceCounts.UPGRADED")).isEqualTo(3);
        assertThat(subnetStatus(rolloutId, subnet).getInt("wanDownloads")).isEqualTo(2);
        assertThat(commands.upgrades(rolloutId)).hasSize(3);
    }

    @Test
    void aSeedThatServedAndFellSilentIsExpiredAsAPeerAndReplaced() {
        OneSubnet started = threeDevicesOneWanSeed();
        String subnet = started.subnet();
        String rolloutId = started.rolloutId();
        String first = started.seed();
        fleet.device(first).upgradeFully(rolloutId, DownloadSource.WAN, 1);
        // It serves: the next device is sent to it as a peer. Then the seed crashes and says nothing more, and the
        // device it was to serve hangs too (the device timeout's business, not this guard's).
        DeviceCommand.Upgrade fromPeer = awaitUpgrades(rolloutId, 2).get(1);
        assertThat(fromPeer.sourcePolicy()).isEqualTo(SourcePolicy.PEER_THEN_WAN);
        await().atMost(GUARD_LIMIT).until(() -> asViewer().get("/api/devices/{id}", first).then().statusCode(200)
                .extract().path("peerExpiredAt") != null);
        await().atMost(GUARD_LIMIT).until(() -> subnetStatus(rolloutId, subnet).getInt("peers") == 0);

        DeviceCommand.Upgrade reseeded = awaitUpgrades(rolloutId, 3).get(2);
        assertThat(reseeded.sourcePolicy()).isEqualTo(SourcePolicy.WAN_SEED);
        assertThat(reseeded.deviceId()).isNotIn(first, fromPeer.deviceId());
        assertThat(device(rolloutId, first).getString("seedExpiry")).contains("no event from it since");
        assertThat(rollout(rolloutId).getInt("seedsExpired")).isEqualTo(1);

        // The crashed seed comes back: its heartbeat counts it as a peer again.
        fleet.device(first).announce();
        await().atMost(GUARD_LIMIT).until(() -> asViewer().get("/api/devices/{id}", first).then().statusCode(200)
                .extract().path("peerExpiredAt") == null);
        await().atMost(GUARD_LIMIT).until(() -> subnetStatus(rolloutId, subnet).getInt("peers") == 1);
        RolloutFixtures.act(rolloutId, "cancel", 200);
    }

    private static List<DeviceCommand.Upgrade> awaitUpgrades(String rolloutId, int count) {
        return await().atMost(GUARD_LIMIT).until(() -> commands.upgrades(rolloutId), u -> u.size() >= count);
    }

    private static JsonPath device(String rolloutId, String deviceId) {
        List<Map<String, Object>> devices = asViewer().get("/api/rollouts/{id}/devices", rolloutId)
                .then().statusCode(200).extract().jsonPath().getList("$");
        return new JsonPath(io.peerlift.events.EventCodec.encode(devices.stream()
                .filter(d -> deviceId.equals(d.get("deviceId"))).findFirst().orElseThrow()));
    }
}
