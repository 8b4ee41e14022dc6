package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.peerlift.rollout.SimulatedFleet.SimDevice;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.peerlift.rollout.DashboardPage.eventually;
import static io.peerlift.rollout.DashboardPage.shownBytes;
import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.count;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.devicesIn;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.state;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An admin watches a real rollout on the dashboard in headless Chromium: the service schedules it for real, a
 * simulated fleet answers its Upgrade commands with the events devices send, and the test reads the page the way
 * a person does, pausing and resuming it with the page's buttons.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class LiveRolloutBrowserTest {

    private static final long PACKAGE_BYTES = RolloutFixtures.PAYLOAD.length;
    /** Scheduling, the outbox and the command consumer each take a turn; a loaded machine is slow at all three. */
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    /** Scheduler ticks (1 s) that a paused rollout must let pass without commanding anybody. */
    private static final Duration PAUSE_OBSERVED = Duration.ofSeconds(3);

    @TestHTTPResource("/")
    URL dashboard;

    private DashboardPage page;
    private SimulatedFleet fleet;
    private CommandWatcher commands;
    private final Set<String> answered = new HashSet<>();
    private String rolloutId;

    /** A download a device runs for a command: from a peer of its subnet, or from the WAN as the subnet's seed. */
    private record Download(SimDevice device, DownloadSource source, SimDevice peer) {
    }

    @BeforeEach
    void connect() throws IOException {
        page = DashboardPage.openBrowser();
        fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), PACKAGE_BYTES);
        commands = CommandWatcher.commands();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        if (page != null) {
            page.close();
        }
        if (fleet != null) {
            fleet.close();
            commands.close();
        }
    }

    @Test
    void anOperatorWatchesARolloutSpreadPausesItAndResumesItToTheEnd() throws IOException {
        int n = unique();
        // Served: an initial peer already on the target (one upload slot, HTTPS too), three devices (the first will
        // serve HTTP only, for want of a certificate), one too old to upgrade.
        String served = subnet(n, 1);
        SimDevice initialPeer = fleet.join(id(n, 0), served, 10, TARGET, folderPath(n));
        initialPeer.httpsPort = 22337;
        initialPeer.startPeerServer(1);
        List<String> ids = new ArrayList<>(List.of(id(n, 0)));
        for (int i = 1; i <= 3; i++) {
            fleet.join(id(n, i), served, 10 + i, SOURCE, folderPath(n));
            ids.add(id(n, i));
        }
        fleet.device(id(n, 1)).httpsDown = "the device has no certificate";
        fleet.join(id(n, 4), served, 14, "11.10.0", folderPath(n));
        ids.add(id(n, 4));
        // Peerless: three devices and no peer, so one of them is seeded from the WAN.
        String peerless = subnet(n, 2);
        for (int i = 11; i <= 13; i++) {
            fleet.join(id(n, i), peerless, i, SOURCE, folderPath(n));
            ids.add(id(n, i));
        }
        awaitInventory(fleet, ids.toArray(String[]::new));

        page.open(dashboard, TestTokens.operator());
        rolloutId = createRollout(folder(n), Map.of());

        String row = "#rollouts tr[data-rollout-id='" + rolloutId + "']";
        eventually(() -> assertThat(page.text(row)).contains(RolloutFixtures.APP + " " + TARGET).contains("RUNNING"));
        eventually(() -> {
            page.click(row);
            assertThat(shown("#rollout-state")).isEqualTo("RUNNING");
        });
        eventually(() -> {
            page.click("#subnets tr[data-subnet='" + served + "']");
            assertThat(page.text("#subnet-title")).isEqualTo("Subnet " + served);
        });

        // First round: the initial peer serves one device, the WAN seeds the peerless subnet.
        List<Download> first = startDownloads(awaitNewUpgrades(2));
        assertThat(first).extracting(d -> d.device().subnet + " " + d.source())
                .containsExactlyInAnyOrder(served + " PEER", peerless + " WAN");
        eventually(() -> {
            assertButtons(true, false, true);
            assertProgress(served, 0, 3);
            assertThat(fact("devices")).isEqualTo("5 (4 eligible, 1 already on target)");
            assertThat(fact("upgraded")).isEqualTo("0 · 1 in progress · 0 failed");
            assertThat(peers(served)).isEqualTo("1");
            assertProgress(peerless, 0, 3);
            assertThat(cell(peerless, "state")).isEqualTo("SEEDING");
            assertThat(peers(peerless)).isEqualTo("0");
            assertThat(waiting(peerless)).contains("no peer in the subnet serves the target yet").contains("WAN seed");
        });

        finish(first);
        eventually(() -> {
            assertProgress(served, 1, 3);
            assertThat(peers(served)).isEqualTo("2");
            assertThat(fact("bytes")).isEqualTo("WAN 0 B · peers " + shownBytes(PACKAGE_BYTES));
            assertThat(cell(served, "wan")).isEqualTo("0 B");
            assertProgress(peerless, 1, 3);
            assertThat(peers(peerless)).isEqualTo("1");
            assertThat(cell(peerless, "wan")).isEqualTo(shownBytes(PACKAGE_BYTES));
            assertThat(waiting(peerless)).isEmpty();
            assertThat(shown("#rollout-tiles [data-tile='WAN'] .tile-value")).endsWith("1.00× package");
        });

        // Second round: the two peers of the served subnet serve its last two devices, the seed serves one.
        List<DeviceCommand.Upgrade> second = awaitNewUpgrades(3);
        page.click("#pause");
        eventually(() -> {
            assertThat(shown("#rollout-state")).isEqualTo("PAUSED");
            assertReason("paused by operator", "warn");
            assertThat(shown("#action-notice")).contains("Pause: accepted.");
            assertButtons(false, true, true);
        });
        assertThat(state(rolloutId)).isEqualTo("PAUSED");

        // Downloads already commanded run to the end; the peerless subnet now has two free slots and a pending device.
        finish(startDownloads(second));
        awaitInventory(fleet, second.stream().map(DeviceCommand::deviceId).toArray(String[]::new));
        await().during(PAUSE_OBSERVED).atMost(PAUSE_OBSERVED.multipliedBy(4))
                .until(() -> commands.upgrades(rolloutId).size() == answered.size());
        assertThat(devicesIn(rolloutId, "PENDING")).containsExactly(id(n, 13));
        eventually(() -> {
            assertThat(shown("#rollout-state")).isEqualTo("PAUSED");
            assertProgress(served, 3, 3);
            assertThat(peers(served)).isEqualTo("4");
            assertProgress(peerless, 2, 3);
            assertThat(peers(peerless)).isEqualTo("2");
        });

        page.click("#resume");
        eventually(() -> {
            assertThat(shown("#rollout-state")).isEqualTo("RUNNING");
            assertThat(shown("#action-notice")).contains("Resume: accepted.");
            assertReason("resumed by operator", "info");
            assertButtons(true, false, true);
        });
        finish(startDownloads(awaitNewUpgrades(1)));

        eventually(() -> {
            assertThat(shown("#rollout-state")).isEqualTo("COMPLETED");
            assertReason("6 upgraded, 0 failed", "ok");
            assertButtons(false, false, false);
            assertProgress(served, 3, 3);
            assertThat(fact("upgraded")).isEqualTo("3 · 0 in progress · 0 failed");
            assertThat(cell(served, "state")).isEqualTo("DONE");
            assertProgress(peerless, 3, 3);
            assertThat(shown("#rollout-tiles [data-tile='Upgraded'] .tile-value")).isEqualTo("6 of 6");
            assertThat(shown("#rollout-tiles [data-tile='Failed'] .tile-value")).isEqualTo("0");
            assertThat(shown("#rollout-tiles [data-tile='WAN'] .tile-value"))
                    .isEqualTo(shownBytes(PACKAGE_BYTES) + " · 1.00× package");
            assertThat(shown("#rollout-tiles [data-tile='From peers'] .tile-value"))
                    .isEqualTo(shownBytes(5 * PACKAGE_BYTES));
            assertThat(page.text("#devices-info")).isEqualTo("devices 1–5");
            assertThat(page.text(row)).contains("COMPLETED");
            assertThat(fact("peers")).isEqualTo("4 (from 1), 4 upload slots, 1 over HTTPS");
            assertThat(https(id(n, 0))).isEqualTo("port 22337");
            assertThat(https(id(n, 1))).isEqualTo("down: the device has no certificate");
            assertThat(https(id(n, 2))).isEqualTo("off");
            assertThat(https(id(n, 4))).as("serves nothing").isEqualTo("–");
        });
        assertThat(count(rolloutId, "UPGRADED")).isEqualTo(6);
        assertThat(commands.upgrades(rolloutId)).extracting(DeviceCommand::deviceId)
                .containsExactlyInAnyOrder(id(n, 1), id(n, 2), id(n, 3), id(n, 11), id(n, 12), id(n, 13));
        assertThat(commands.upgrades(rolloutId)).filteredOn(u -> u.sourcePolicy() == SourcePolicy.WAN_SEED).hasSize(1);
        assertThat(page.consoleErrors()).as("console errors").isEmpty();
        page.screenshot("dashboard-live.png");
    }

    // ---- the fleet's side ----

    /** Waits for {@code expected} Upgrade commands beyond those answered, and checks there are no more. */
    private List<DeviceCommand.Upgrade> awaitNewUpgrades(int expected) {
        await().atMost(COMMAND_LIMIT).until(() -> commands.upgrades(rolloutId).size() >= answered.size() + expected);
        List<DeviceCommand.Upgrade> fresh = commands.upgrades(rolloutId).stream()
                .filter(upgrade -> !answered.contains(upgrade.deviceId())).toList();
        assertThat(fresh).as("new Upgrade commands").hasSize(expected);
        return fresh;
    }

    /** Each device starts the download its command allows and reports it half done. */
    private List<Download> startDownloads(List<DeviceCommand.Upgrade> upgrades) {
        return upgrades.stream().map(upgrade -> {
            answered.add(upgrade.deviceId());
            SimDevice device = fleet.device(upgrade.deviceId());
            DownloadSource source = upgrade.sourcePolicy() == SourcePolicy.WAN_SEED ? DownloadSource.WAN
                    : DownloadSource.PEER;
            SimDevice peer = device.startDownload(rolloutId, source);
            device.reportProgress(rolloutId, peer, PACKAGE_BYTES / 2);
            return new Download(device, source, peer);
        }).toList();
    }

    /** Each device completes its download, installs, reboots into the target, announces itself and serves. */
    private void finish(List<Download> downloads) {
        for (Download download : downloads) {
            download.device().completeDownload(rolloutId, download.source(), download.peer());
            download.device().finishUpgrade(rolloutId, 1);
        }
    }

    // ---- what the page shows ----

    private String shown(String part) {
        return page.text("#rollout[data-rollout-id='" + rolloutId + "'] " + part);
    }

    /** A cell of the subnet's row in the table. */
    private String cell(String subnet, String column) {
        return page.text("#subnets tr[data-subnet='" + subnet + "'] td[data-col='" + column + "']");
    }

    /** What the subnet waits for, as its state cell says on hover; empty when it is not waiting. */
    private String waiting(String subnet) {
        String title = page.browser().findElement(By.cssSelector("#subnets tr[data-subnet='" + subnet
                + "'] td[data-col='state']")).getAttribute("title");
        return title == null ? "" : title;
    }

    /** A fact of the subnet in detail. */
    private String fact(String name) {
        return page.text("#subnet-facts dd[data-fact='" + name + "']");
    }

    /** The HTTPS cell of a device in the subnet's device table. */
    private String https(String deviceId) {
        return page.text("#devices tr[data-device-id='" + deviceId + "'] td[data-col='https']");
    }

    private String peers(String subnet) {
        return cell(subnet, "peers");
    }

    private void assertProgress(String subnet, int upgraded, int toUpgrade) {
        assertThat(cell(subnet, "upgraded")).isEqualTo(upgraded + " / " + toUpgrade);
    }

    /** The reason for the rollout's state, styled as a warning only where it needs the admin's attention. */
    private void assertReason(String reason, String kind) {
        assertThat(shown("#rollout-reason")).isEqualTo(reason);
        assertThat(page.browser().findElement(By.id("rollout-reason")).getAttribute("class").split(" ")).contains(kind);
    }

    private void assertButtons(boolean pause, boolean resume, boolean cancel) {
        assertThat(page.enabled("pause")).as("Pause enabled").isEqualTo(pause);
        assertThat(page.enabled("resume")).as("Resume enabled").isEqualTo(resume);
        assertThat(page.enabled("cancel")).as("Cancel enabled").isEqualTo(cancel);
    }
}
