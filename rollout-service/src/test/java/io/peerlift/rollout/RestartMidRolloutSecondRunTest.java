package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DownloadSource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.devicesIn;
import static io.peerlift.rollout.RolloutFixtures.state;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Second half of the restart test: a fresh service instance takes over the rollout that
 * {@link RestartMidRolloutFirstRunTest} left mid-way, from the database and the committed offsets alone, and
 * finishes it without a second Upgrade to any device.
 */
@QuarkusTest
@TestProfile(RestartMidRolloutSecondRunTest.SecondRun.class)
class RestartMidRolloutSecondRunTest {

    /**
     * Its own profile: a fresh instance, configured by the system properties the first run handed over, trusting
     * the test issuer.
     */
    public static class SecondRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return TestTokens.issuer().quarkusConfig();
        }
    }

    @Test
    void aFreshInstanceFinishesTheRolloutWithoutASecondUpgrade() throws InterruptedException {
        String rolloutId = System.getProperty(RestartMidRolloutFirstRunTest.ROLLOUT_PROPERTY);
        assertThat(rolloutId).as("the rollout RestartMidRolloutFirstRunTest leaves behind; it must run first"
                + " (the class orderer runs it before this one)").isNotNull();
        int n = Integer.parseInt(System.getProperty(RestartMidRolloutFirstRunTest.DEVICES_PROPERTY));
        String subnet = subnet(n, 1);

        try (SimulatedFleet fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
             CommandWatcher commands = CommandWatcher.commands()) {
            assertThat(state(rolloutId)).isEqualTo("RUNNING");
            // Several scheduler ticks of the new instance pass: nothing is commanded again.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> commands.upgrades(rolloutId).size() == 1);
            assertThat(devicesIn(rolloutId, "DOWNLOADING")).containsExactly(id(n, 1));

            // The devices carry on where they were: the peer serves the download still running.
            fleet.rejoin(id(n, 0), subnet, "10.0.0.10", SimulatedFleet.TARGET, lastSeq(id(n, 0)), 1, 1);
            SimulatedFleet.SimDevice downloading =
                    fleet.rejoin(id(n, 1), subnet, "10.0.0.11", SimulatedFleet.SOURCE, lastSeq(id(n, 1)), 0, 0);
            for (int i = 2; i <= 3; i++) {
                fleet.rejoin(id(n, i), subnet, "10.0.0." + (10 + i), SimulatedFleet.SOURCE, lastSeq(id(n, i)), 0, 0);
            }
            downloading.completeDownload(rolloutId, DownloadSource.PEER, fleet.device(id(n, 0)));
            downloading.finishUpgrade(rolloutId, 1);

            await().until(() -> commands.upgrades(rolloutId).size() == 3);
            fleet.upgradeWave(rolloutId, List.of(id(n, 2), id(n, 3)), 1);
            await().until(() -> "COMPLETED".equals(state(rolloutId)));

            List<DeviceCommand.Upgrade> upgrades = commands.upgrades(rolloutId);
            assertThat(upgrades).extracting(DeviceCommand::deviceId)
                    .containsExactlyInAnyOrder(id(n, 1), id(n, 2), id(n, 3));
            assertThat(upgrades).extracting(DeviceCommand.Upgrade::attempt).containsOnly(1);
        }
    }

    private static long lastSeq(String deviceId) {
        JsonPath device = asViewer().get("/api/devices/{id}", deviceId).then().statusCode(200).extract().jsonPath();
        return device.getLong("lastSeq");
    }
}
