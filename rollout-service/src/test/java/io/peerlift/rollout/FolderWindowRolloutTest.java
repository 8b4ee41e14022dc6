package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.count;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.otherFolderPath;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.subnetStatus;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The maintenance window a device's folders give it (its DeviceConfig, as profile-service publishes it) against
 * the real scheduler, broker and database: outside it the device gets no Upgrade while the rest of its subnet
 * goes on; the subnet says until when it waits; once its configuration brings an open window it is commanded.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class FolderWindowRolloutTest {

    private static final MaintenanceWindow CLOSED_UNTIL_2099 =
            MaintenanceWindow.parse("0 0 8 1 1 ? 2099", "02:00:00", "Europe/Berlin");
    private static final MaintenanceWindow ALWAYS_OPEN = MaintenanceWindow.parse("0 0 0 * * ?", "24:00:00", "UTC");

    private static SimulatedFleet fleet;
    private static CommandWatcher commands;

    @BeforeEach
    void connect() {
        if (fleet == null) {
            fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
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
    void aDeviceOutsideItsFolderWindowWaitsWhileItsSubnetGoesOnAndIsCommandedOnceItOpens() {
        int n = unique();
        String subnet = subnet(n, 1);
        fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(1);
        SimulatedFleet.SimDevice held = fleet.join(id(n, 1), subnet, 11, SOURCE, folderPath(n));
        fleet.publishConfig(held, folderPath(n), CLOSED_UNTIL_2099);
        String free = fleet.join(id(n, 2), subnet, 12, SOURCE, folderPath(n)).id;
        fleet.join(id(n, 3), subnet, 13, SOURCE, folderPath(n));
        fleet.publishConfig(fleet.device(id(n, 3)), folderPath(n), ALWAYS_OPEN);
        awaitInventory(fleet, id(n, 0), held.id, free, id(n, 3));
        asViewer().get("/api/devices/{id}", held.id).then().statusCode(200)
                .body("maintenanceWindow", equalTo(Map.of("schedule", "0 0 8 1 1 ? 2099", "duration", "02:00:00",
                        "timeZone", "Europe/Berlin")));

        String rolloutId = createRollout(folder(n), Map.of());
        DeviceCommand.Upgrade first = await().until(() -> commands.upgrades(rolloutId).stream().findFirst()
                .orElse(null), u -> u != null);
        assertThat(first.deviceId()).isIn(free, id(n, 3));
        fleet.upgradeWave(rolloutId, List.of(first.deviceId()), 1);
        String second = first.deviceId().equals(free) ? id(n, 3) : free;
        fleet.upgradeWave(rolloutId, List.of(fleet.upgradeOf(rolloutId, second).deviceId()), 1);

        await().until(() -> count(rolloutId, "UPGRADED") == 2);
        await().untilAsserted(() -> {
            JsonPath status = subnetStatus(rolloutId, subnet);
            assertThat(status.getString("waiting")).isEqualTo("1 device(s) waiting for their folders' maintenance "
                    + "window until 2099-01-01T07:00:00Z (2099-01-01T08:00 Europe/Berlin)");
            assertThat(status.getString("stalledSince")).as("waiting for a window is no stall").isNull();
        });
        assertThat(count(rolloutId, "PENDING")).isEqualTo(1);
        assertThat(commands.upgradedDeviceIds(rolloutId)).doesNotContain(held.id);

        fleet.publishConfig(held, folderPath(n), ALWAYS_OPEN);

        assertThat(fleet.upgradeOf(rolloutId, held.id).attempt()).isEqualTo(1);
        await().untilAsserted(() -> assertThat(subnetStatus(rolloutId, subnet).getString("waiting")).isNull());
    }
}
