package io.peerlift.rollout;

import io.peerlift.events.DownloadSource;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.devicesIn;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.otherFolderPath;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * First half of the restart test: a rollout is left mid-way (one device downloading, two pending) when this
 * service instance stops. {@link RestartMidRolloutSecondRunTest} runs next (the class orderer sorts by profile
 * name) in a fresh instance, pointed at this instance's database and broker by the system properties this test
 * hands over (they outrank application.properties when the next instance starts), and finishes it.
 */
@QuarkusTest
@TestProfile(RestartMidRolloutFirstRunTest.FirstRun.class)
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RestartMidRolloutFirstRunTest {

    static final String ROLLOUT_PROPERTY = "peerlift.test.restart.rollout-id";
    static final String DEVICES_PROPERTY = "peerlift.test.restart.devices";

    /** Where the second run finds the servers; they outlive this instance (until the test JVM exits). */
    static final List<String> SERVER_KEYS = List.of("kafka.bootstrap.servers", "quarkus.datasource.jdbc.url",
            "quarkus.datasource.username", "quarkus.datasource.password");

    /** Its own profile, so that this instance is stopped before the second run's starts. */
    public static class FirstRun implements QuarkusTestProfile {
    }

    @Test
    void leavesARolloutMidWay() throws InterruptedException {
        int n = unique();
        String subnet = subnet(n, 1);
        try (SimulatedFleet fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
             CommandWatcher commands = CommandWatcher.commands()) {
            fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(1);
            for (int i = 1; i <= 3; i++) {
                fleet.join(id(n, i), subnet, 10 + i, SOURCE, folderPath(n));
            }
            awaitInventory(fleet, id(n, 0), id(n, 1), id(n, 2), id(n, 3));
            String rolloutId = createRollout(folder(n), Map.of());
            await().until(() -> commands.upgrades(rolloutId).size() == 1);
            fleet.device(id(n, 1)).startDownload(rolloutId, DownloadSource.PEER);
            await().until(() -> devicesIn(rolloutId, "DOWNLOADING").size() == 1);

            for (String key : SERVER_KEYS) {
                System.setProperty(key, ConfigProvider.getConfig().getValue(key, String.class));
            }
            System.setProperty(ROLLOUT_PROPERTY, rolloutId);
            System.setProperty(DEVICES_PROPERTY, Integer.toString(n));
            assertThat(devicesIn(rolloutId, "PENDING")).containsExactlyInAnyOrder(id(n, 2), id(n, 3));
        }
    }
}
