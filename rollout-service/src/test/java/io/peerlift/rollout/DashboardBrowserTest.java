package io.peerlift.rollout;

import io.peerlift.events.RolloutStatus;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.peerlift.events.RolloutStatus.SubnetStatus;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static io.peerlift.rollout.DashboardPage.eventually;
import static io.peerlift.rollout.DashboardPage.shownBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium: rollout snapshots produced to the real {@code peerlift.rollout-status}
 * topic reach the open page live, and the page shows what an admin needs to see.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class DashboardBrowserTest {

    private static final long MIB = 1024 * 1024;
    private static final long PACKAGE_BYTES = 64 * MIB;
    private static final double ROUND_SECONDS = 4;
    /** Three subnets of 20 devices: one and two initial peers, and one without a peer that needs a WAN seed. */
    private static final PlannedSubnet ONE_PEER = new PlannedSubnet("127.10.1.0/24", 20, 1, 2, 0, 0);
    private static final PlannedSubnet TWO_PEERS = new PlannedSubnet("127.10.2.0/24", 20, 2, 0, 1, 0);
    private static final PlannedSubnet WAN_SEEDED = new PlannedSubnet("127.10.3.0/24", 20, 0, 1, 0, 6);

    @TestHTTPResource("/")
    URL dashboard;

    private DashboardPage page;
    private ChromeDriver browser;
    private final RolloutStatusProducer producer = new RolloutStatusProducer();
    private final String rolloutId = "browser-test-" + UUID.randomUUID();
    private final Instant startedAt = Instant.now().minusSeconds(30);
    /** What the records say of the rollout's distribution and of the devices' upload capacity. */
    private String distribution = "WHOLE_FILE";
    private Long uploadBytesPerSecond;

    @BeforeEach
    void openBrowser() throws IOException {
        page = DashboardPage.openBrowser();
        browser = page.browser();
    }

    @AfterEach
    void close() {
        if (page != null) {
            page.close();
        }
        producer.close();
    }

    @Test
    void showsARolloutProgressingLiveAndSendsTheButtonsRequests() throws Exception {
        publish(snapshot(1, "RUNNING", 2, null));
        page.open(dashboard, TestTokens.viewer());
        browser.executeScript("window.loadedOnce = true");

        eventually(() -> assertThat(text("#rollouts tr[data-rollout-id='" + rolloutId + "']"))
                .contains("base_system 12.7.4").contains("RUNNING"));
        browser.findElement(By.cssSelector("#rollouts tr[data-rollout-id='" + rolloutId + "']")).click();
        eventually(() -> {
            assertThat(browser.findElement(By.id("rollout")).getAttribute("data-rollout-id")).isEqualTo(rolloutId);
            assertThat(text("#rollout-state")).isEqualTo("RUNNING");
            assertThat(cell(ONE_PEER, "upgraded")).isEqualTo("0 / 17");
            assertThat(cell(TWO_PEERS, "peers")).isEqualTo("2");
            assertThat(cell(WAN_SEEDED, "state")).isEqualTo("WAITING");
        });
        assertThat(browser.getCurrentUrl()).as("the selection is kept in the address").endsWith("#rollout=" + rolloutId);

        // Three rounds later: the peers doubled three times where there were peers, twice since the WAN seed.
        Snapshot running = snapshot(2, "RUNNING", 14, null);
        assertThat(running.subnets()).extracting(SubnetStatus::peers).containsExactly(8, 16, 4);
        publish(running);
        eventually(() -> {
            for (SubnetStatus subnet : running.subnets()) {
                int upgraded = count(subnet, "UPGRADED");
                int toUpgrade = subnet.devices() - count(subnet, "INELIGIBLE") - count(subnet, "CURRENT");
                assertThat(cell(subnet.subnet(), "upgraded")).isEqualTo(upgraded + " / " + toUpgrade);
                assertThat(cell(subnet.subnet(), "peers")).isEqualTo(String.valueOf(subnet.peers()));
                assertThat(cell(subnet.subnet(), "wan")).isEqualTo(shownBytes(subnet.wanBytes()));
                assertThat(cell(subnet.subnet(), "ratio")).matches("\\d+\\.\\d\\d×");
            }
            // one peer, 18 eligible, one slot each: 1, 2, 4, 8, 16, 18 devices hold the target, 5 rounds of 4 s
            assertThat(cell(ONE_PEER, "rounds")).isEqualTo("4 / 5");
            assertThat(cell(ONE_PEER, "ideal")).isEqualTo("20 s");
            assertThat(cell(TWO_PEERS, "failures")).isEqualTo("1 (1 attempts)");
            assertThat(text("#rollout-tiles [data-tile='WAN'] .tile-value"))
                    .isEqualTo(shownBytes(running.summary().wanBytes()) + " · 1.00× package");
            assertThat(text("#rollout-tiles [data-tile='From peers'] .tile-value"))
                    .isEqualTo(shownBytes(running.summary().peerBytes()));
            assertThat(text("#rollout-tiles [data-tile='Failed'] .tile-value")).isEqualTo("1");
            assertThat(text("#rollout-tiles [data-tile='Ratio to ideal'] .tile-value")).matches("\\d+\\.\\d\\d×");
            assertThat(browser.findElement(By.cssSelector("#subnets th[data-col='swarm-ratio']")).isDisplayed())
                    .as("no T* column for a whole-file rollout").isFalse();
        });

        // The subnet that waited for its WAN seed, in detail.
        browser.findElement(By.cssSelector("#subnets tr[data-subnet='" + WAN_SEEDED.name() + "']")).click();
        eventually(() -> {
            assertThat(browser.findElement(By.id("subnet")).getAttribute("data-subnet")).isEqualTo(WAN_SEEDED.name());
            assertThat(text("#subnet-facts dd[data-fact='peers']"))
                    .isEqualTo("4 (from 0), 4 upload slots, 2 over HTTPS");
            assertThat(text("#subnet-facts dd[data-fact='ideal']")).isEqualTo("6 × 4 s = 24 s");
            assertThat(text("#subnet-facts dd[data-fact='medians']"))
                    .isEqualTo("transfer 1 s · install 1 s · reboot 2 s");
            assertThat(browser.findElements(By.cssSelector("#subnet-chart path[data-series='measured']"))).hasSize(1);
            assertThat(browser.findElements(By.cssSelector("#subnet-chart path[data-series='ideal']"))).hasSize(1);
        });
        assertThat((Boolean) browser.executeScript("return window.loadedOnce === true"))
                .as("updated in place, not by reloading").isTrue();
        assertThat(text("#connection")).isEqualTo("Live");
        assertThat(page.consoleErrorsButUnknownDevices()).as("console errors").isEmpty();
        page.screenshot("dashboard.png");

        // A viewer's token reads the stream but may not steer: the page says which role the button needs.
        browser.findElement(By.id("pause")).click();
        eventually(() -> assertThat(text("#action-notice")).startsWith("Pause failed: this needs the role operator;"
                + " the token of 'test-viewer' has [viewer] (HTTP 403 Forbidden)"));

        // An operator's token gets the request through; the rollout is not one the service manages, so it is
        // refused by the service itself, and the page says why.
        page.open(dashboard, TestTokens.operator());
        eventually(() -> page.click("#rollouts tr[data-rollout-id='" + rolloutId + "']"));
        eventually(() -> assertThat(page.enabled("pause")).isTrue());
        browser.findElement(By.id("pause")).click();
        eventually(() -> assertThat(text("#action-notice")).contains("Pause failed").contains("HTTP 404"));

        publish(snapshot(3, "PAUSED", 16, "paused by an admin"));
        eventually(() -> {
            assertThat(text("#rollout-state")).isEqualTo("PAUSED");
            assertThat(text("#rollout-reason")).isEqualTo("paused by an admin");
            assertThat(page.enabled("pause")).isFalse();
            assertThat(page.enabled("resume")).isTrue();
            assertThat(page.enabled("cancel")).isTrue();
        });

        publish(snapshot(4, "COMPLETED", 30, null));
        eventually(() -> {
            assertThat(text("#rollout-state")).isEqualTo("COMPLETED");
            assertThat(cell(ONE_PEER, "upgraded")).isEqualTo("17 / 17");
            assertThat(cell(WAN_SEEDED, "upgraded")).isEqualTo("19 / 19");
            assertThat(List.of("pause", "resume", "cancel"))
                    .allSatisfy(id -> assertThat(page.enabled(id)).as(id).isFalse());
        });
    }

    @Test
    void aSwarmRolloutShowsEachSubnetsRatioToTStarBesideTheWholeFileOne() throws Exception {
        distribution = "SWARM";
        uploadBytesPerSecond = 16 * MIB;
        publish(snapshot(2, "RUNNING", 14, null));
        page.open(dashboard, TestTokens.viewer());
        eventually(() -> page.click("#rollouts tr[data-rollout-id='" + rolloutId + "']"));

        // 17 devices to reach, 64 MiB in 64 chunks at 16 MiB/s: T* = 4 s x (1 + 4/64) = 4.25 s, then 1 s install
        // and 2 s reboot; the subnet has been spreading for 30 s and more.
        eventually(() -> {
            assertThat(browser.findElement(By.cssSelector("#subnets th[data-col='swarm-ratio']")).isDisplayed())
                    .isTrue();
            assertThat(text("#subnets th[data-col='swarm-ratio']")).startsWith("× T*");
            assertThat(browser.findElement(By.cssSelector("#rollout[data-rollout-id='" + rolloutId + "'] #subnets tr"
                    + "[data-subnet='" + ONE_PEER.name() + "'] td[data-col='swarm-ratio']")).getAttribute("title"))
                    .isEqualTo("T* 4.3 s + install + reboot = 7.3 s");
            assertThat(ratio(cell(ONE_PEER, "swarm-ratio"))).isGreaterThan(30 / 7.25);
            assertThat(cell(ONE_PEER, "ratio")).as("the whole-file ratio beside it").matches("\\d+\\.\\d\\d×");
            assertThat(ratio(text("#rollout-tiles [data-tile='× T*'] .tile-value"))).isGreaterThan(30 / 7.25);
        });
        assertThat(page.consoleErrorsButUnknownDevices()).as("console errors").isEmpty();
    }

    // ---- what the page shows ----

    private static double ratio(String shown) {
        assertThat(shown).matches("\\d+\\.\\d\\d×");
        return Double.parseDouble(shown.substring(0, shown.length() - 1));
    }

    private String cell(PlannedSubnet subnet, String column) {
        return cell(subnet.name(), column);
    }

    private String cell(String subnet, String column) {
        return text("#rollout[data-rollout-id='" + rolloutId + "'] #subnets tr[data-subnet='" + subnet
                + "'] td[data-col='" + column + "']");
    }

    private String text(String css) {
        return page.text(css);
    }

    private static int count(SubnetStatus subnet, String state) {
        return subnet.deviceCounts().getOrDefault(state, 0);
    }

    // ---- the records a rollout-service would publish ----

    /** A rollout's summary and the records of its subnets, as of one moment. */
    private record Snapshot(RolloutStatus.Summary summary, List<SubnetStatus> subnets) {
    }

    private void publish(Snapshot snapshot) throws Exception {
        for (SubnetStatus subnet : snapshot.subnets()) {
            producer.publish(subnet);
        }
        producer.publish(snapshot.summary());
    }

    private Snapshot snapshot(long version, String state, double secondsSinceStart, String stateReason) {
        Instant publishedAt = startedAt.plusMillis((long) (secondsSinceStart * 1000));
        List<SubnetStatus> subnets = Stream.of(ONE_PEER, TWO_PEERS, WAN_SEEDED)
                .map(subnet -> subnet.at(rolloutId, secondsSinceStart, version, startedAt, publishedAt,
                        uploadBytesPerSecond)).toList();
        Map<String, Integer> counts = new TreeMap<>();
        subnets.forEach(subnet -> subnet.deviceCounts().forEach((deviceState, n) -> counts.merge(deviceState, n, Integer::sum)));
        RolloutStatus.Summary summary = new RolloutStatus.Summary(rolloutId, 2, "base_system", "12.7.4", state,
                "PEER_THEN_WAN", stateReason, counts, subnets.size(), Map.of(), PACKAGE_BYTES,
                subnets.stream().mapToLong(SubnetStatus::wanBytes).sum(),
                subnets.stream().mapToLong(SubnetStatus::peerBytes).sum(), startedAt.minusSeconds(1), startedAt,
                publishedAt, state.equals("COMPLETED") ? publishedAt : null, version, publishedAt,
                distribution, (int) (PACKAGE_BYTES / MIB), List.of());
        return new Snapshot(summary, subnets);
    }

    /**
     * A subnet where everything goes to plan: the peers double every round, each serving one download, until
     * every eligible device that does not fail is a peer. A subnet without initial peers waits for a WAN seed
     * slot until half of {@code seedDoneAt}, then downloads one WAN seed, done at {@code seedDoneAt}.
     */
    private record PlannedSubnet(String name, int devices, int initialPeers, int ineligible, int failing,
                                 double seedDoneAt) {

        static final String WAITING_FOR_SEED = "no peer in the subnet: waiting for a WAN seed slot";

        SubnetStatus at(String rolloutId, double t, long version, Instant startedAt, Instant publishedAt,
                        Long uploadBytesPerSecond) {
            double firstPeersAt = initialPeers > 0 ? 0 : seedDoneAt;
            boolean seeded = t >= firstPeersAt;
            boolean waitingForSeed = initialPeers == 0 && t < seedDoneAt / 2;
            int rounds = seeded ? (int) ((t - firstPeersAt) / ROUND_SECONDS) : 0;
            int peers = seeded ? peersAfter(rounds) : 0;
            int peerDownloadsInFlight = seeded ? Math.min(peers, ceiling() - peers) : 0;
            int wanDownloads = initialPeers > 0 || waitingForSeed ? 0 : 1;
            int upgraded = peers - initialPeers;
            int peerDownloadsDone = Math.max(0, upgraded - wanDownloads);

            Map<String, Integer> counts = new TreeMap<>(Map.of("CURRENT", initialPeers, "UPGRADED", upgraded,
                    "DOWNLOADING", seeded ? peerDownloadsInFlight : wanDownloads,
                    "FAILED", rounds > 0 ? failing : 0, "INELIGIBLE", ineligible));
            counts.put("PENDING", devices - counts.values().stream().mapToInt(Integer::intValue).sum());
            List<PeerSample> samples = new ArrayList<>(List.of(new PeerSample(0, initialPeers)));
            for (int round = 0; seeded && round <= rounds; round++) {
                if (peersAfter(round) != samples.get(samples.size() - 1).peers()) {
                    samples.add(new PeerSample(firstPeersAt + round * ROUND_SECONDS, peersAfter(round)));
                }
            }
            long wanBytes = wanDownloads == 0 ? 0
                    : seeded ? PACKAGE_BYTES : (long) (PACKAGE_BYTES * (2 * t / seedDoneAt - 1));
            // downloads in flight are half done
            long peerBytes = peerDownloadsDone * PACKAGE_BYTES + peerDownloadsInFlight * PACKAGE_BYTES / 2;
            return new SubnetStatus(rolloutId, name, seeded ? "SPREADING" : "WAITING", devices, counts, initialPeers,
                    peers, peers, seeded ? peerDownloadsInFlight : wanDownloads, wanDownloads,
                    peerDownloadsDone + peerDownloadsInFlight, failing, wanBytes, peerBytes, seeded ? rounds + 1 : 0,
                    waitingForSeed ? WAITING_FOR_SEED : null, startedAt, publishedAt, null, null,
                    seeded ? 1000L : null, seeded ? 1000L : null, seeded ? 2000L : null, samples, version, publishedAt,
                    uploadBytesPerSecond, peers / 2);
        }

        /** Every eligible device that does not fail ends as a peer. */
        private int ceiling() {
            return devices - ineligible - failing;
        }

        private int peersAfter(int rounds) {
            return (int) Math.min(ceiling(), Math.max(1, initialPeers) * Math.pow(2, rounds));
        }
    }
}
