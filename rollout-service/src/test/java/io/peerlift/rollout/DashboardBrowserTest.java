package io.peerlift.rollout;

import io.peerlift.events.RolloutStatus;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.peerlift.events.RolloutStatus.SubnetStatus;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium: rollout snapshots produced to the real {@code peerlift.rollout-status}
 * topic reach the open page live, and the page shows what an admin needs to see.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class DashboardBrowserTest {

    private static final Path TARGET = Path.of("target");
    private static final long MIB = 1024 * 1024;
    private static final String SEEDED = "127.10.1.0/24";
    private static final String WITHOUT_PEERS = "127.10.2.0/24";

    @TestHTTPResource("/")
    URL dashboard;

    private ChromeDriver browser;
    private final RolloutStatusProducer producer = new RolloutStatusProducer();
    private final String rolloutId = "browser-test-" + UUID.randomUUID();
    private final Instant startedAt = Instant.now().minusSeconds(30);

    @BeforeAll
    static void installChromium() {
        HeadlessChromium.ensureInstalled(TARGET);
    }

    @BeforeEach
    void openBrowser() throws IOException {
        browser = HeadlessChromium.start(Files.createTempDirectory("dashboard-chromium-"), 1440, 1280);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        producer.close();
    }

    @Test
    void showsARolloutProgressingLiveAndSendsTheButtonsRequests() throws Exception {
        RolloutStatus first = snapshot(1, "RUNNING", 8,
                subnet(SEEDED, 1, counts(1, 0, 1, 0, 1), 1, samples(0, 1), 0, 32 * MIB, null),
                subnet(WITHOUT_PEERS, 0, counts(0, 0, 0, 0, 0), 0, samples(), 0, 0,
                        "no peer in the subnet yet: waiting for a WAN seed slot"));
        producer.publish(first);
        browser.get(dashboard.toString());
        browser.executeScript("window.loadedOnce = true");

        eventually(() -> assertThat(text("#rollouts tr[data-rollout-id='" + rolloutId + "']"))
                .contains("base_system 12.7.4").contains("RUNNING"));
        browser.findElement(By.cssSelector("#rollouts tr[data-rollout-id='" + rolloutId + "']")).click();
        eventually(() -> {
            assertThat(browser.findElement(By.id("rollout")).getAttribute("data-rollout-id")).isEqualTo(rolloutId);
            assertThat(text("#rollout-state")).isEqualTo("RUNNING");
            assertThat(text(subnetPart(SEEDED, ".subnet-progress"))).isEqualTo("0 of 8 upgraded");
            assertThat(text(subnetPart(SEEDED, ".fact[data-fact='peers'] dd"))).isEqualTo("1");
            assertThat(text(subnetPart(WITHOUT_PEERS, ".waiting")))
                    .isEqualTo("Waiting: no peer in the subnet yet: waiting for a WAN seed slot");
        });

        // The WAN seed of the second subnet finished; the first subnet's peers doubled twice, every 5 s.
        RolloutStatus second = snapshot(2, "RUNNING", 20,
                subnet(SEEDED, 1, counts(1, 3, 2, 0, 1), 4, samples(0, 1, 5, 2, 10, 4), 0, 160 * MIB, null),
                subnet(WITHOUT_PEERS, 0, counts(0, 3, 1, 1, 0), 3, samples(6, 1, 9, 2, 12, 3), 64 * MIB, 96 * MIB, null));
        producer.publish(second);

        eventually(() -> {
            assertThat(text(subnetPart(SEEDED, ".subnet-progress"))).isEqualTo("3 of 8 upgraded");
            WebElement progress = browser.findElement(By.cssSelector(subnetPart(SEEDED, "[role='progressbar']")));
            assertThat(progress.getAttribute("aria-valuenow")).isEqualTo("3");
            assertThat(progress.getAttribute("aria-valuemax")).isEqualTo("8");
            assertThat(segmentWidthShare(SEEDED, "upgraded")).isCloseTo(3 / 8.0, offset(0.02));
            assertThat(text(subnetPart(SEEDED, ".fact[data-fact='peers'] dd"))).isEqualTo("4");
            assertThat(text(subnetPart(SEEDED, ".breakdown"))).contains("1 ineligible").contains("1 already on target");
            assertThat(text(subnetPart(SEEDED, ".ideal-text")))
                    .startsWith("Ideal: doubling every 5.0 s from 1 peer, up to 7;");
            assertThat(browser.findElements(By.cssSelector(subnetPart(SEEDED, "svg path.ideal")))).hasSize(1);
            assertThat(text(subnetPart(WITHOUT_PEERS, ".ideal-text")))
                    .startsWith("Ideal: doubling every 3.0 s from 1 peer (the WAN seed, at 6 s), up to 8;");
            assertThat(text(subnetPart(WITHOUT_PEERS, ".breakdown"))).contains("1 failed");
            assertThat(text(subnetPart(WITHOUT_PEERS, ".bytes-text")))
                    .contains("WAN 64.0 MiB (40%)").contains("peers 96.0 MiB (60%)");
            assertThat(browser.findElements(By.cssSelector(subnetPart(WITHOUT_PEERS, ".waiting")))).isEmpty();
            assertThat(text("#rollout-summary .bytes-text")).contains("WAN 64.0 MiB").contains("peers 256.0 MiB")
                    .contains("WAN carried 1.00× the package");
            assertThat(text("#rollout-summary [data-tile='Failed'] .tile-value")).isEqualTo("1");
            assertThat(text("#rollout-summary [data-tile='Ineligible'] .tile-value")).isEqualTo("1");
        });
        assertThat((Boolean) browser.executeScript("return window.loadedOnce === true"))
                .as("updated in place, not by reloading").isTrue();
        screenshot();

        // The rollout is not one the service manages, so the button's request is refused, and the page says why.
        browser.findElement(By.id("pause")).click();
        eventually(() -> assertThat(text("#action-notice")).contains("Pause failed").contains("HTTP 404"));

        RolloutStatus completed = snapshot(3, "COMPLETED", 30,
                subnet(SEEDED, 1, counts(1, 6, 0, 0, 1), 7, samples(0, 1, 5, 2, 10, 4, 15, 7), 0, 192 * MIB, null),
                subnet(WITHOUT_PEERS, 0, counts(0, 7, 0, 1, 0), 7, samples(6, 1, 9, 2, 12, 4, 15, 7), 64 * MIB, 192 * MIB, null));
        producer.publish(completed);
        eventually(() -> {
            assertThat(text("#rollout-state")).isEqualTo("COMPLETED");
            assertThat(text(subnetPart(WITHOUT_PEERS, ".subnet-progress"))).isEqualTo("7 of 8 upgraded");
            assertThat(List.of("pause", "resume", "cancel"))
                    .allSatisfy(id -> assertThat(browser.findElement(By.id(id)).isEnabled()).as(id).isFalse());
        });
    }

    // ---- what the page shows ----

    private String subnetPart(String subnet, String part) {
        return "#rollout[data-rollout-id='" + rolloutId + "'] article[data-subnet='" + subnet + "'] " + part;
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** Retries {@code assertions} until they hold, as the page redraws when snapshots arrive. */
    private static void eventually(ThrowingRunnable assertions) {
        await().ignoreExceptionsInstanceOf(WebDriverException.class).untilAsserted(assertions);
    }

    private double segmentWidthShare(String subnet, String segment) {
        WebElement bar = browser.findElement(By.cssSelector(subnetPart(subnet, "[role='progressbar']")));
        WebElement part = bar.findElement(By.cssSelector("[data-segment='" + segment + "']"));
        return part.getRect().getWidth() / (double) bar.getRect().getWidth();
    }

    private void screenshot() throws IOException {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(TARGET);
        Files.copy(shot, TARGET.resolve("dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    // ---- the snapshots a rollout-service publishes ----


    private RolloutStatus snapshot(long version, String state, long secondsSinceStart, SubnetStatus... subnets) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        long wanBytes = 0;
        long peerBytes = 0;
        for (SubnetStatus subnet : subnets) {
            subnet.deviceCounts().forEach((deviceState, n) -> counts.merge(deviceState, n, Integer::sum));
            wanBytes += subnet.wanBytes();
            peerBytes += subnet.peerBytes();
        }
        Instant publishedAt = startedAt.plusSeconds(secondsSinceStart);
        return new RolloutStatus(rolloutId, 2, "base_system", "12.7.4", state, "PEER_THEN_WAN", null, counts,
                64 * MIB, wanBytes, peerBytes, startedAt.minusSeconds(1), startedAt,
                state.equals("COMPLETED") ? publishedAt : null, List.of(subnets), version, publishedAt);
    }

    /** A subnet of 8 devices; the pending ones are the rest. */
    private static SubnetStatus subnet(String name, int initialPeers, Map<String, Integer> counts, int peers,
                                       List<PeerSample> peersOverTime, long wanBytes, long peerBytes, String waiting) {
        int devices = 8;
        Map<String, Integer> all = new LinkedHashMap<>(counts);
        all.put("PENDING", devices - counts.values().stream().mapToInt(Integer::intValue).sum());
        int downloads = all.get("DOWNLOADING");
        return new SubnetStatus(name, devices, all, initialPeers, peers, peers, downloads,
                wanBytes > 0 ? 1 : 0, (int) (peerBytes / (32 * MIB)), wanBytes, peerBytes, peersOverTime.size(),
                waiting, null, peersOverTime);
    }

    private static Map<String, Integer> counts(int current, int upgraded, int downloading, int failed, int ineligible) {
        return Map.of("CURRENT", current, "UPGRADED", upgraded, "DOWNLOADING", downloading, "FAILED", failed,
                "INELIGIBLE", ineligible);
    }

    /** Pairs of (seconds since start, peers). */
    private static List<PeerSample> samples(double... secondsAndPeers) {
        return IntStream.range(0, secondsAndPeers.length / 2)
                .mapToObj(i -> new PeerSample(secondsAndPeers[2 * i], (int) secondsAndPeers[2 * i + 1]))
                .toList();
    }
}
