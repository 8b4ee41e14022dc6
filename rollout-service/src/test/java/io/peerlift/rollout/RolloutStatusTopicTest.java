package io.peerlift.rollout;

import io.peerlift.events.DownloadSource;
import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.localstack.TestTokens.asViewer;
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
            RolloutFixtures.act(rolloutId, "pause", 200);
            RolloutFixtures.act(rolloutId, "resume", 200);
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
            assertThat(summary.pauses()).as("paused once, resumed").singleElement().satisfies(pause -> {
                assertThat(pause.until()).isNotNull();
                assertThat(pause.from()).isBefore(pause.until()).isAfter(summary.startedAt());
            });

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

    @Test
    void aSwarmRolloutsRatiosToTStarAreGaugedAsTheBoardShowsThemUntilItIsArchived() throws InterruptedException {
        int n = unique();
        String subnet = subnet(n, 1);
        try (SimulatedFleet fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
             CommandWatcher commands = CommandWatcher.commands()) {
            fleet.join(id(n, 1), subnet, 11, SOURCE, folderPath(n));
            fleet.join(id(n, 2), subnet, 12, SOURCE, folderPath(n));
            awaitInventory(fleet, id(n, 1), id(n, 2));
            String rolloutId = createRollout(folder(n), Map.of("distribution", "SWARM"));
            await().until(() -> commands.upgrades(rolloutId).size() == 1);
            SimulatedFleet.SimDevice seed = fleet.device(commands.upgrades(rolloutId).get(0).deviceId());
            seed.uploadBytesPerSecond = 1 << 20;
            seed.upgradeFully(rolloutId, DownloadSource.WAN, 1);
            await().until(() -> commands.upgrades(rolloutId).size() == 2);
            String other = seed.id.equals(id(n, 1)) ? id(n, 2) : id(n, 1);
            fleet.device(other).upgradeFully(rolloutId, DownloadSource.PEER, 1);
            await().until(() -> "COMPLETED".equals(RolloutFixtures.state(rolloutId)));

            // 2.5 MiB in 3 chunks to 2 devices at 1 MiB/s: T* = 2.5 s x (1 + 1/3), then 1 s install, 2 s reboot.
            AtomicReference<JsonPath> shown = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonPath b = asViewer().get("/api/rollouts/{id}/board", rolloutId).then().extract().jsonPath();
                assertThat(b.getString("rollout.state")).as("the board: %s", b.prettify()).isEqualTo("COMPLETED");
                assertThat(b.getString("rows[0].state")).as("the board: %s", b.prettify()).isEqualTo("DONE");
                assertThat((Object) b.get("rows[0].swarmRatio")).as("the board: %s", b.prettify()).isNotNull();
                shown.set(b);
            });
            JsonPath board = shown.get();
            assertThat(board.getDouble("rows[0].swarmBoundSeconds")).isEqualTo(3.333);
            assertThat(board.getDouble("rows[0].swarmIdealSeconds")).isEqualTo(6.333);
            assertThat(board.getDouble("ideal.swarmIdealSeconds")).as("from the rollout's start: the subnet's start after it,"
                    + " then its T* + install + reboot").isBetween(6.333, 6.333 + 1);
            double subnetRatio = board.getDouble("rows[0].swarmRatio");
            double rolloutRatio = board.getDouble("ideal.swarmRatio");
            assertThat(subnetRatio).isPositive();

            // /q/metrics of the running service, refreshed every 5 s from the same board.
            String subnetGauge = "peerlift_rollout_subnet_swarm_ratio{rollout=\"" + rolloutId + "\",subnet=\""
                    + subnet + "\"}";
            String rolloutGauge = "peerlift_rollout_swarm_ratio{rollout=\"" + rolloutId + "\"}";
            await().untilAsserted(() -> {
                String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
                assertThat(gauge(metrics, subnetGauge)).isEqualTo(subnetRatio);
                assertThat(gauge(metrics, rolloutGauge)).isEqualTo(rolloutRatio);
                assertThat(gauge(metrics, "peerlift_rollout_subnet_ideal_ratio{rollout=\"" + rolloutId
                        + "\",subnet=\"" + subnet + "\"}")).as("beside the whole-file ideal's").isPositive();
            });

            // Archived: the board, its streams and the gauges forget it (tombstones on the status topic).
            RolloutFixtures.act(rolloutId, "archive", 200);
            await().untilAsserted(() -> asViewer().get("/api/rollouts/{id}/board", rolloutId).then().statusCode(404));
            await().untilAsserted(() -> assertThat(given().get("/q/metrics").then().extract().asString())
                    .doesNotContain("rollout=\"" + rolloutId + "\""));
        }
    }

    @Test
    void anArchivedRolloutThatRetryFailedBringsBackIsOnTheBoardWithEverySubnetAgain() throws InterruptedException {
        int n = unique();
        String failingSubnet = subnet(n, 1);
        String doneSubnet = subnet(n, 2);
        try (SimulatedFleet fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
             CommandWatcher commands = CommandWatcher.commands()) {
            fleet.join(id(n, 1), failingSubnet, 11, SOURCE, folderPath(n));
            fleet.join(id(n, 2), doneSubnet, 11, SOURCE, folderPath(n));
            awaitInventory(fleet, id(n, 1), id(n, 2));
            String rolloutId = createRollout(folder(n), Map.of("retryLimit", 0, "errorThresholdPercent", 100));
            fleet.device(id(n, 1)).failDownload(rolloutId, "disk full");
            fleet.device(id(n, 2)).upgradeFully(rolloutId, DownloadSource.WAN, 1);
            await().until(() -> "COMPLETED".equals(RolloutFixtures.state(rolloutId)));
            await().untilAsserted(() -> assertThat(boardSubnets(rolloutId)).containsExactlyInAnyOrder(failingSubnet,
                    doneSubnet));

            RolloutFixtures.act(rolloutId, "archive", 200);
            await().untilAsserted(() -> asViewer().get("/api/rollouts/{id}/board", rolloutId).then().statusCode(404));
            RolloutFixtures.act(rolloutId, "retry-failed", 200);

            // The subnet that did not change is published again too: its record was deleted at the archive.
            await().untilAsserted(() -> assertThat(boardSubnets(rolloutId)).containsExactlyInAnyOrder(failingSubnet,
                    doneSubnet));
            RolloutFixtures.act(rolloutId, "cancel", 200);
        }
    }

    private static List<String> boardSubnets(String rolloutId) {
        return asViewer().get("/api/rollouts/{id}/board", rolloutId).then().statusCode(200).extract().jsonPath()
                .getList("rows.subnet", String.class);
    }

    /** The value of one gauge in Prometheus' text format, null when absent. */
    private static Double gauge(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim())).orElse(null);
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
