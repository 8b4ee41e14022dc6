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

/**
 * The records a dashboard reads from {@code peerlift.rollout-status}: a summary per rollout and a record per
 * subnet, each keyed by what it describes, small and with rising versions; and the matching gauge.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RolloutStatusTopicTest {

    @Test
    void recordsFollowTheRolloutKeyedByRolloutAndSubnetWithRisingVersions() throws InterruptedException {
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
            fleet.device(seed).uploadBytesPerSecond = 16L << 20;
            fleet.device(seed).upgradeFully(rolloutId, DownloadSource.WAN, 1);
            await().until(() -> commands.upgrades(rolloutId).size() == 2);
            RolloutFixtures.act(rolloutId, "cancel", 200);

            await().until(() -> last(statuses, rolloutId, RolloutStatus.Summary.class) != null
                    && last(statuses, rolloutId, RolloutStatus.Summary.class).state().equals("CANCELLED"));
            List<RolloutStatus.Summary> summaries = records(statuses, rolloutId).stream()
                    .filter(RolloutStatus.Summary.class::isInstance).map(RolloutStatus.Summary.class::cast).toList();
            assertThat(summaries).extracting(RolloutStatus::version).isSorted().doesNotHaveDuplicates();
            assertThat(summaries).extracting(RolloutStatus.Summary::state).contains("RUNNING");
            RolloutStatus.Summary summary = last(statuses, rolloutId, RolloutStatus.Summary.class);
            assertThat(summary.deviceCounts()).containsEntry("UPGRADED", 1).containsEntry("CANCELLED", 1)
                    .containsOnlyKeys(RolloutStatus.DEVICE_STATES);
            assertThat(summary.wanBytes()).isEqualTo(RolloutFixtures.PAYLOAD.length);
            assertThat(summary.packageBytes()).isEqualTo(RolloutFixtures.PAYLOAD.length);
            assertThat(summary.subnets()).isEqualTo(1);
            assertThat(summary.subnetStates()).containsExactly(Map.entry("DONE", 1));
            assertThat(summary.distribution()).isEqualTo("WHOLE_FILE");
            assertThat(summary.packageChunks()).as("2.5 chunks of the payload").isEqualTo(3);

            await().until(() -> last(statuses, rolloutId, RolloutStatus.SubnetStatus.class) != null
                    && last(statuses, rolloutId, RolloutStatus.SubnetStatus.class).deviceCounts().get("CANCELLED") == 1);
            List<RolloutStatus.SubnetStatus> subnetRecords = records(statuses, rolloutId).stream()
                    .filter(RolloutStatus.SubnetStatus.class::isInstance).map(RolloutStatus.SubnetStatus.class::cast)
                    .toList();
            assertThat(subnetRecords).extracting(RolloutStatus::version).isSorted().doesNotHaveDuplicates();
            assertThat(subnetRecords).extracting(RolloutStatus.SubnetStatus::subnet).containsOnly(subnet);
            RolloutStatus.SubnetStatus s = last(statuses, rolloutId, RolloutStatus.SubnetStatus.class);
            assertThat(s.devices()).isEqualTo(2);
            assertThat(s.initialPeers()).isZero();
            assertThat(s.wanDownloads()).isEqualTo(1);
            assertThat(s.lastUpgradeAt()).isNotNull();
            assertThat(s.startedAt()).isNotNull();
            assertThat(s.medianTransferMillis()).as("as the device reported it").isEqualTo(1000);
            assertThat(s.medianInstallMillis()).isEqualTo(1000);
            assertThat(s.medianRebootMillis()).isEqualTo(2000);
            assertThat(s.peersOverTime()).extracting(RolloutStatus.PeerSample::peers).containsExactly(0, 1);
            assertThat(s.uploadBytesPerSecond()).as("the cap its peer server reported; the other device serves not")
                    .isEqualTo(16L << 20);
            assertThat(statuses.records()).filteredOn(r -> r.key().startsWith(rolloutId)).allSatisfy(r -> {
                assertThat(r.key()).isIn(rolloutId, RolloutStatus.subnetKey(rolloutId, subnet));
                assertThat(r.value().length()).isLessThan(4096);
            });
            // The same counts as a Prometheus gauge for the Grafana dashboards.
            String upgraded = "peerlift_rollout_devices{rollout=\"" + rolloutId + "\",state=\"UPGRADED\",subnet=\""
                    + subnet + "\"} 1.0";
            await().until(() -> given().get("/q/metrics").then().extract().asString().contains(upgraded));
        }
    }

    private static List<RolloutStatus> records(CommandWatcher statuses, String rolloutId) {
        return statuses.records().stream()
                .filter(r -> r.key() != null && r.key().startsWith(rolloutId))
                .map(r -> EventCodec.decode(r.value(), RolloutStatus.class))
                .toList();
    }

    private static <T extends RolloutStatus> T last(CommandWatcher statuses, String rolloutId, Class<T> type) {
        List<T> all = records(statuses, rolloutId).stream().filter(type::isInstance).map(type::cast).toList();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }
}
