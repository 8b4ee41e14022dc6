package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.rollout.domain.Device;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.act;
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
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Retries, the error threshold, pause, resume, cancel and the refusals of the state machine. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RolloutLifecycleTest extends FleetDrivenTest {

    /** One serving peer with one slot and three devices in the rollout's folder. */
    private static String subnetWithOnePeerAndThreeDevices(int n) {
        String subnet = subnet(n, 1);
        fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(1);
        for (int i = 1; i <= 3; i++) {
            fleet.join(id(n, i), subnet, 10 + i, SOURCE, folderPath(n));
        }
        awaitInventory(fleet, id(n, 0), id(n, 1), id(n, 2), id(n, 3));
        return subnet;
    }

    @Test
    void aDeviceWhoseConfigRacedTheRolloutsCreationIsTakenInByTheNextTick() {
        int n = unique();
        String subnet = subnetWithOnePeerAndThreeDevices(n);
        String late = id(n, 9);
        fleet.join(late, subnet, 19, SOURCE, otherFolderPath());
        awaitInventory(fleet, late);
        String rolloutId = createRollout(folder(n), Map.of());

        // What that race leaves behind: the inventory has the device in the folder, the rollout has no row for it.
        QuarkusTransaction.requiringNew().run(() ->
                Device.<Device>findById(late).folderPath = folderPath(n).toArray(Long[]::new));

        await().until(() -> commands.upgradedDeviceIds(rolloutId).contains(late) || devicesIn(rolloutId, "PENDING").contains(late));
        assertThat(rollout(rolloutId).getInt("devices")).isEqualTo(4);
    }

    @Test
    void aFailedDownloadIsRetriedThenFailsAndTheThresholdPausesUntilResumed() {
        int n = unique();
        subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of("retryLimit", 1, "errorThresholdPercent", 30));

        awaitUpgrades(rolloutId, 1);
        assertThat(commands.upgradedDeviceIds(rolloutId)).containsExactly(id(n, 1));

        // The first attempt fails: the slot goes to the next device, the failed one waits for its backoff.
        fleet.device(id(n, 1)).failDownload(rolloutId, "peer went away");
        awaitUpgrades(rolloutId, 2);
        assertThat(commands.upgrades(rolloutId).get(1).deviceId()).isEqualTo(id(n, 2));
        fleet.upgradeWave(rolloutId, List.of(id(n, 2)), 1);

        // Two peers now: the retry (attempt 2) and the last device.
        awaitUpgrades(rolloutId, 4);
        assertThat(commands.upgrades(rolloutId).subList(2, 4))
                .extracting(DeviceCommand::deviceId, DeviceCommand.Upgrade::attempt)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(id(n, 1), 2),
                        org.assertj.core.groups.Tuple.tuple(id(n, 3), 1));

        // The retry fails too: out of retries, 1 of 3 devices failed (33 %) is above 30 %.
        fleet.device(id(n, 1)).failDownload(rolloutId, "checksum mismatch");
        await().until(() -> "PAUSED_ON_ERRORS".equals(state(rolloutId)));
        assertThat(rollout(rolloutId).getString("stateReason")).contains("error threshold of 30%");
        assertThat(devicesIn(rolloutId, "FAILED")).containsExactly(id(n, 1));
        asOperator().post("/api/rollouts/{id}/pause", rolloutId).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("it is PAUSED_ON_ERRORS"));

        act(rolloutId, "resume", 200);
        assertThat(state(rolloutId)).isEqualTo("RUNNING");
        fleet.upgradeWave(rolloutId, List.of(id(n, 3)), 1);
        await().until(() -> "COMPLETED".equals(state(rolloutId)));
        assertThat(count(rolloutId, "UPGRADED")).isEqualTo(2);
        assertThat(count(rolloutId, "FAILED")).isEqualTo(1);
        assertThat(commands.upgrades(rolloutId)).hasSize(4);
        // The counts, kept change by change, are what a recount of the devices gives.
        for (String deviceState : List.of("PENDING", "INELIGIBLE", "CURRENT", "COMMANDED", "DOWNLOADING",
                "INSTALLING", "UPGRADED", "FAILED", "CANCELLED")) {
            assertThat(count(rolloutId, deviceState)).as(deviceState).isEqualTo(devicesIn(rolloutId, deviceState).size());
        }
        assertThat(rollout(rolloutId).getLong("peerBytes")).isEqualTo(2L * RolloutFixtures.PAYLOAD.length);
    }

    @Test
    void aSilentDeviceTimesOut() {
        int n = unique();
        subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of("deviceTimeoutSeconds", 1, "retryLimit", 0,
                "errorThresholdPercent", 100));
        awaitUpgrades(rolloutId, 1);

        await().until(() -> devicesIn(rolloutId, "FAILED").contains(id(n, 1)));
        String reason = asViewer().queryParam("state", "FAILED").get("/api/rollouts/{id}/devices", rolloutId)
                .then().extract().path("[0].failureReason");
        assertThat(reason).startsWith("timed out: no event for 1 s");
        // Its slot is free again: the next device is commanded.
        await().until(() -> commands.upgradedDeviceIds(rolloutId).contains(id(n, 2)));
        act(rolloutId, "cancel", 200);
    }

    @Test
    void aTimeoutCancelsTheOldAttemptOnTheDeviceBeforeTheNextAttemptAndCommandsExpireWithTheTimeout() {
        int n = unique();
        subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of("deviceTimeoutSeconds", 2, "retryLimit", 1,
                "errorThresholdPercent", 100));
        awaitUpgrades(rolloutId, 1);
        DeviceCommand.Upgrade first = commands.upgrades(rolloutId).get(0);
        assertThat(first.expiresAt()).isEqualTo(first.issuedAt().plusSeconds(2));

        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> commands.upgrades(rolloutId).stream()
                .anyMatch(u -> u.deviceId().equals(first.deviceId()) && u.attempt() == 2));
        List<DeviceCommand> toDevice = commands.records().stream().map(r -> EventCodec.decodeCommand(r.value()))
                .filter(c -> rolloutId.equals(c.rolloutId()) && c.deviceId().equals(first.deviceId())).toList();
        assertThat(toDevice).extracting(c -> c.getClass().getSimpleName() + "/" + c.attempt())
                .as("the old attempt is cancelled on the device before the new one is sent")
                .startsWith("Upgrade/1", "Cancel/1", "Upgrade/2");
        act(rolloutId, "cancel", 200);
    }

    @Test
    void aPausedRolloutCommandsNobodyUntilResumed() {
        int n = unique();
        subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of());
        awaitUpgrades(rolloutId, 1);

        act(rolloutId, "pause", 200);
        fleet.upgradeWave(rolloutId, List.of(id(n, 1)), 1);
        await().until(() -> count(rolloutId, "UPGRADED") == 1);
        // Two free slots, yet nothing is commanded while paused.
        await().during(java.time.Duration.ofSeconds(2)).atMost(java.time.Duration.ofSeconds(5))
                .until(() -> count(rolloutId, "COMMANDED") == 0);
        assertThat(commands.upgrades(rolloutId)).hasSize(1);

        act(rolloutId, "resume", 200);
        awaitUpgrades(rolloutId, 3);
        assertThat(devicesIn(rolloutId, "COMMANDED")).containsExactlyInAnyOrder(id(n, 2), id(n, 3));
        act(rolloutId, "cancel", 200);
    }

    @Test
    void cancelStopsCommandedDevicesAndEndsTheRollout() {
        int n = unique();
        subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of());
        awaitUpgrades(rolloutId, 1);

        act(rolloutId, "cancel", 200);
        await().until(() -> "CANCELLED".equals(state(rolloutId)));
        assertThat(count(rolloutId, "CANCELLED")).isEqualTo(3);
        await().until(() -> commands.cancels(rolloutId).size() == 1);
        assertThat(commands.cancels(rolloutId).get(0).deviceId()).isEqualTo(id(n, 1));

        // A cancelled rollout is final, and what its devices still report commands nobody.
        asOperator().post("/api/rollouts/{id}/resume", rolloutId).then().statusCode(409)
                .body("detail", containsString("it is CANCELLED"));
        act(rolloutId, "cancel", 409);
        fleet.upgradeWave(rolloutId, List.of(id(n, 1)), 1);
        await().until(() -> rollout(rolloutId).getLong("peerBytes") == RolloutFixtures.PAYLOAD.length);
        assertThat(commands.upgrades(rolloutId)).hasSize(1);
    }

    @Test
    void aRolloutCreatedWithoutStartWaitsForStart() {
        int n = unique();
        subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of("start", false));
        assertThat(state(rolloutId)).isEqualTo("CREATED");
        assertThat(count(rolloutId, "PENDING")).isEqualTo(3);
        act(rolloutId, "pause", 409);

        act(rolloutId, "start", 200);
        awaitUpgrades(rolloutId, 1);
        act(rolloutId, "start", 409);
        act(rolloutId, "cancel", 200);
    }

    @Test
    void aDeviceJoiningTheFolderWhileRunningIsIncluded() {
        int n = unique();
        String subnet = subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of());
        assertThat(rollout(rolloutId).getInt("devices")).isEqualTo(3);

        SimulatedFleet.SimDevice late = fleet.join(id(n, 4), subnet, 14, SOURCE, otherFolderPath());
        // Moved into a sub-folder of the rollout's folder.
        fleet.publishConfig(late, List.of(1L, folder(n), folder(n) + 500_000));
        await().until(() -> devicesIn(rolloutId, "PENDING").contains(id(n, 4)));
        act(rolloutId, "cancel", 200);
    }

    @Test
    void aDeviceDeletedFromTheInventoryLeavesTheRolloutsThatHaveNotCommandedIt() {
        int n = unique();
        subnetWithOnePeerAndThreeDevices(n);
        String rolloutId = createRollout(folder(n), Map.of("start", false));
        assertThat(count(rolloutId, "PENDING")).isEqualTo(3);

        // profile-service deleted it: the tombstone of its config, keyed by its id.
        fleet.sendRaw(Topics.DEVICE_CONFIG, id(n, 2), null);
        await().until(() -> count(rolloutId, "PENDING") == 2);
        assertThat(devicesIn(rolloutId, "PENDING")).doesNotContain(id(n, 2));
        asViewer().queryParam("folderId", folder(n)).get("/api/devices/count").then().statusCode(200)
                .body(equalTo("2"));
        act(rolloutId, "cancel", 200);
    }

    @Test
    void invalidRequestsAreRefusedWithAProblem() {
        asOperator().contentType(ContentType.JSON)
                .body(Map.of("folderId", 1, "app", RolloutFixtures.APP, "version", "12.5.0"))
                .post("/api/rollouts").then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString("below 12.7.4"));
        asOperator().contentType(ContentType.JSON)
                .body(Map.of("folderId", 1, "app", "unknown-app", "version", "12.8.0"))
                .post("/api/rollouts").then().statusCode(400)
                .body("detail", containsString("not in the repository"));
        asOperator().contentType(ContentType.JSON)
                .body(Map.of("app", RolloutFixtures.APP, "version", TARGET))
                .post("/api/rollouts").then().statusCode(400)
                .body("detail", containsString("folderId"));
        asOperator().contentType(ContentType.JSON)
                .body(Map.of("folderId", 1, "app", RolloutFixtures.APP, "version", TARGET, "sourcePolicy", "WAN_SEED"))
                .post("/api/rollouts").then().statusCode(400)
                .body("detail", containsString("PEER_THEN_WAN or PEER_ONLY"));
        asViewer().get("/api/rollouts/{id}", "no-such-rollout").then().statusCode(404)
                .body("instance", equalTo("/api/rollouts/no-such-rollout"));
        asOperator().post("/api/rollouts/{id}/pause", "no-such-rollout").then().statusCode(404);
    }

    private static void awaitUpgrades(String rolloutId, int count) {
        await().until(() -> commands.upgrades(rolloutId).size() >= count);
        assertThat(commands.upgrades(rolloutId)).hasSize(count);
    }
}
