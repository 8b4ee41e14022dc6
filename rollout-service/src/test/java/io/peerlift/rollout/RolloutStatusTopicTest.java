package io.peerlift.rollout;

import io.peerlift.events.DownloadSource;
import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The snapshots a dashboard reads from {@code peerlift.rollout-status}, and the matching gauge. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RolloutStatusTopicTest {

    @Test
    void snapshotsFollowTheRolloutKeyedByItsIdWithRisingVersions() throws InterruptedException {
        int n = unique();
        String subnet = subnet(n, 1);
        try (SimulatedFleet fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
             CommandWatcher commands = CommandWatcher.commands();
             CommandWatcher statuses = new CommandWatcher(Topics.ROLLOUT_STATUS)) {
            fleet.join(id(n, 1), subnet, 11, SOURCE, folderPath(n));
            fleet.join(id(n, 2), subnet, 12, SOURCE, folderPath(n));
            awaitInventory(fleet, id(n, 1), id(n, 2));
            String rolloutId = createRollout(folder(n), Map.of());
            await().until(() -> commands.upgrades(rolloutId).size() == 1);
            String seed = commands.upgrades(rolloutId).get(0).deviceId();
            fleet.device(seed).upgradeFully(rolloutId, DownloadSource.WAN, 1);
            await().until(() -> commands.upgrades(rolloutId).size() == 2);
            RolloutFixtures.act(rolloutId, "cancel", 200);

            await().until(() -> !snapshots(statuses, rolloutId).isEmpty()
                    && last(statuses, rolloutId).state().equals("CANCELLED"));
            List<RolloutStatus> snapshots = snapshots(statuses, rolloutId);
            assertThat(snapshots).extracting(RolloutStatus::version).isSorted().doesNotHaveDuplicates();
            assertThat(snapshots).extracting(RolloutStatus::state).contains("RUNNING");
            RolloutStatus last = last(statuses, rolloutId);
            assertThat(last.deviceCounts()).containsEntry("UPGRADED", 1).containsEntry("CANCELLED", 1)
                    .containsKeys("PENDING", "INELIGIBLE", "CURRENT", "COMMANDED", "DOWNLOADING", "INSTALLING",
                            "FAILED");
            assertThat(last.wanBytes()).isEqualTo(RolloutFixtures.PAYLOAD.length);
            assertThat(last.packageBytes()).isEqualTo(RolloutFixtures.PAYLOAD.length);
            assertThat(last.subnets()).singleElement().satisfies(s -> {
                assertThat(s.subnet()).isEqualTo(subnet);
                assertThat(s.devices()).isEqualTo(2);
                assertThat(s.initialPeers()).isZero();
                assertThat(s.wanDownloads()).isEqualTo(1);
                assertThat(s.lastUpgradeAt()).isNotNull();
                assertThat(s.peersOverTime()).extracting(RolloutStatus.PeerSample::peers).containsExactly(0, 1);
            });
            // The same counts as a Prometheus gauge for the Grafana dashboards.
            String upgraded = "peerlift_rollout_devices{rollout=\"" + rolloutId + "\",state=\"UPGRADED\",subnet=\""
                    + subnet + "\"} 1.0";
            await().until(() -> given().get("/q/metrics").then().extract().asString().contains(upgraded));
        }
    }

    private static List<RolloutStatus> snapshots(CommandWatcher statuses, String rolloutId) {
        return statuses.records().stream()
                .filter(r -> rolloutId.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), RolloutStatus.class))
                .toList();
    }

    private static RolloutStatus last(CommandWatcher statuses, String rolloutId) {
        List<RolloutStatus> all = snapshots(statuses, rolloutId);
        return all.get(all.size() - 1);
    }
}
