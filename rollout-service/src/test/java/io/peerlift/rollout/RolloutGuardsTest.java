package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
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
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * The guards of creating and starting a rollout that rollout-service decides on its own (the folder's devices,
 * overlapping rollouts, versions), retrying the failed devices of a finished rollout, and archiving it. The
 * folder's existence and consistency report come from profile-service: the CLI's SeedProcedureIT checks those
 * against both services.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RolloutGuardsTest extends FleetDrivenTest {

    private static ValidatableResponse post(long folderId, Map<String, Object> options, String query) {
        Map<String, Object> body = new HashMap<>(options);
        body.put("folderId", folderId);
        body.put("app", RolloutFixtures.APP);
        body.put("version", TARGET);
        return asOperator().contentType(ContentType.JSON).body(body).post("/api/rollouts" + query).then();
    }

    /** A serving peer outside the folder and {@code devices} OS 11 devices in it. */
    private static String subnetWithDevices(int n, int devices) {
        String subnet = subnet(n, 1);
        fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(1);
        for (int i = 1; i <= devices; i++) {
            fleet.join(id(n, i), subnet, 10 + i, SOURCE, folderPath(n));
        }
        for (int i = 0; i <= devices; i++) {
            awaitInventory(fleet, id(n, i));
        }
        return subnet;
    }

    @Test
    void aFolderWithoutDevicesIsRefused() {
        long empty = folder(unique());
        post(empty, Map.of(), "").statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("folder " + empty + " has no devices"));
    }

    @Test
    void aSecondRolloutOverTheSameDevicesIsRefusedNamingTheFirst() {
        int n = unique();
        String subnet = subnetWithDevices(n, 2);
        long subFolder = folder(n) + 500_000;
        fleet.publishConfig(fleet.join(id(n, 3), subnet, 13, SOURCE, otherFolderPath()),
                List.of(1L, folder(n), subFolder));
        awaitInventory(fleet, id(n, 3));
        String first = createRollout(folder(n), Map.of("start", false));

        post(folder(n), Map.of(), "").statusCode(409)
                .body("detail", containsString("rollout " + first + " is not finished and covers devices of folder "
                        + folder(n)));
        post(subFolder, Map.of(), "").statusCode(409)
                .body("detail", containsString("rollout " + first + " is not finished"));

        act(first, "cancel", 200);
        await().until(() -> "CANCELLED".equals(state(first)));
        String second = createRollout(subFolder, Map.of("start", false));
        assertThat(rollout(second).getInt("devices")).isEqualTo(1);
        act(second, "cancel", 200);
    }

    @Test
    void versionsAndAForceWithoutReasonAreRefused() {
        int n = unique();
        subnetWithDevices(n, 1);
        post(folder(n), Map.of("minSourceVersion", "11.10.100"), "").statusCode(400)
                .body("detail", containsString("minSourceVersion 11.10.100 is below 11.11.150"));
        post(folder(n), Map.of("minSourceVersion", "12.8.0"), "").statusCode(400)
                .body("detail", containsString("must be below the target version"));
        post(folder(n), Map.of(), "?force=true").statusCode(400)
                .body("detail", containsString("force needs a reason"));
        asOperator().post("/api/rollouts/{id}/start", "no-such-rollout").then().statusCode(404);
    }

    @Test
    void aDeviceBelowTheMinimumSourceVersionIsIneligibleWithItsReason() {
        int n = unique();
        subnetWithDevices(n, 1);
        fleet.join(id(n, 2), subnet(n, 1), 12, "11.11.100", folderPath(n));
        awaitInventory(fleet, id(n, 2));
        String rolloutId = createRollout(folder(n), Map.of("minSourceVersion", "11.11.150"));

        assertThat(devicesIn(rolloutId, "INELIGIBLE")).containsExactly(id(n, 2));
        asViewer().queryParam("state", "INELIGIBLE").get("/api/rollouts/{id}/devices", rolloutId).then()
                .body("[0].ineligibleReason", equalTo("OS 11.11.100 is below the rollout's minimum source version "
                        + "11.11.150 (IGEL OS 11.11.150 or later is needed to upgrade from a peer)"));
        asViewer().queryParam("state", "PENDING").get("/api/rollouts/{id}/devices", rolloutId).then()
                .body("ineligibleReason", not(hasItem(containsString("below"))));
        act(rolloutId, "cancel", 200);
    }

    @Test
    void retryFailedGivesOnlyTheFailedDevicesOfAFinishedRolloutANewAttempt() {
        int n = unique();
        subnetWithDevices(n, 2);
        String rolloutId = createRollout(folder(n), Map.of("retryLimit", 0, "errorThresholdPercent", 100));
        await().until(() -> commands.upgrades(rolloutId).size() >= 1);
        String failing = commands.upgrades(rolloutId).get(0).deviceId();
        String other = failing.equals(id(n, 1)) ? id(n, 2) : id(n, 1);
        asOperator().post("/api/rollouts/{id}/retry-failed", rolloutId).then().statusCode(409)
                .body("detail", containsString("it is RUNNING"));
        asOperator().post("/api/rollouts/{id}/archive", rolloutId).then().statusCode(409)
                .body("detail", containsString("only a finished rollout (COMPLETED, CANCELLED or APPROVAL_DENIED) is archived"));

        fleet.device(failing).failDownload(rolloutId, "peer went away");
        await().until(() -> commands.upgradedDeviceIds(rolloutId).contains(other));
        fleet.upgradeWave(rolloutId, List.of(other), 1);
        await().until(() -> "COMPLETED".equals(state(rolloutId)));
        assertThat(count(rolloutId, "FAILED")).isEqualTo(1);
        int commandsBefore = commands.upgrades(rolloutId).size();

        asOperator().post("/api/rollouts/{id}/retry-failed", rolloutId).then().statusCode(200)
                .body("stateReason", equalTo("retrying 1 failed device, by operator"));
        await().until(() -> commands.upgrades(rolloutId).size() > commandsBefore);
        assertThat(commands.upgrades(rolloutId).subList(commandsBefore, commands.upgrades(rolloutId).size()))
                .singleElement().satisfies(upgrade -> {
                    assertThat(upgrade.deviceId()).isEqualTo(failing);
                    assertThat(upgrade.attempt()).isEqualTo(2);
                });
        fleet.upgradeWave(rolloutId, List.of(failing), 1);
        await().until(() -> "COMPLETED".equals(state(rolloutId)));
        assertThat(count(rolloutId, "UPGRADED")).isEqualTo(2);
        assertThat(count(rolloutId, "FAILED")).isZero();
        asOperator().post("/api/rollouts/{id}/retry-failed", rolloutId).then().statusCode(409)
                .body("detail", containsString("has no FAILED devices"));

        asOperator().post("/api/rollouts/{id}/archive", rolloutId).then().statusCode(200)
                .body("archivedAt", not(equalTo(null)));
        asViewer().get("/api/rollouts").then().body("id", not(hasItem(rolloutId)));
        asViewer().queryParam("includeArchived", true).get("/api/rollouts").then().body("id", hasItem(rolloutId));
        assertThat(rollout(rolloutId).getString("state")).isEqualTo("COMPLETED");
    }
}
