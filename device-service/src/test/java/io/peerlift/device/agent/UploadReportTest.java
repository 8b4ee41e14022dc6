package io.peerlift.device.agent;

import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.Distribution;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A serving device reports its uploads as one UploadCompleted per package per {@code upload-report-interval}, and
 * every byte it sent exactly once, over real UDP and HTTP on loopback: what the interval gathered is reported when
 * it ends, when the device's own download completes and when it stops.
 */
class UploadReportTest {

    private static final int CHUNK = AppManifest.DEFAULT_CHUNK_SIZE;

    @TempDir
    Path dir;

    private TestRig rig;
    private final Subnet subnet = TestRig.randomSubnet();

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    private Device os11Device(String id, int host) {
        return rig.os11Device(id, subnet, host);
    }

    private long servedBytes() {
        return (long) rig.meters.find("peerlift.upload.bytes").counter().count();
    }

    private long reportedBytes() {
        return rig.events.stream().filter(DeviceEvent.UploadCompleted.class::isInstance)
                .mapToLong(e -> ((DeviceEvent.UploadCompleted) e).bytes()).sum();
    }

    private long receivedPeerBytes() {
        return rig.events.stream().filter(DeviceEvent.DownloadCompleted.class::isInstance)
                .mapToLong(e -> ((DeviceEvent.DownloadCompleted) e).peerBytes()).sum();
    }

    @Test
    void uploadsWithinOneIntervalAreOneReportAndStoppingReportsThem() throws Exception {
        rig = new TestRig(dir, Map.of("upload-report-interval", "1h"));
        Path packageFile = TestRig.randomPackage(dir.resolve("packages"), 3 * CHUNK + 17);
        AppManifest manifest = TestRig.manifestOf(packageFile);
        Device peer = rig.peer("peer", subnet, 2, packageFile);
        List<Device> downloaders = List.of(os11Device("a", 3), os11Device("b", 4));
        downloaders.forEach(d -> d.accept(TestRig.upgrade(d, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused")));

        await().until(() -> downloaders.stream()
                .allMatch(d -> !rig.eventsOf(d.id(), DeviceEvent.UpgradeCompleted.class).isEmpty()));
        assertThat(servedBytes()).as("both downloaded from the peer").isEqualTo(2 * manifest.size());
        assertThat(rig.eventsOf("peer", DeviceEvent.UploadCompleted.class)).as("the hour has not ended").isEmpty();

        peer.stop();

        List<DeviceEvent> peerEvents = rig.eventsOf("peer");
        assertThat(rig.eventsOf("peer", DeviceEvent.UploadCompleted.class)).as("one report for both downloaders")
                .singleElement().satisfies(report -> {
                    assertThat(report.bytes()).isEqualTo(2 * manifest.size());
                    assertThat(report.toDeviceId()).as("several devices were served").isNull();
                    assertThat(report.app()).isEqualTo(manifest.app());
                    assertThat(report.version()).isEqualTo(manifest.version());
                });
        assertThat(peerEvents.get(peerEvents.size() - 1)).as("reported before it says it stopped")
                .isInstanceOf(DeviceEvent.PeerServerStopped.class);
        assertThat(peerEvents.get(peerEvents.size() - 2)).isInstanceOf(DeviceEvent.UploadCompleted.class);
    }

    /**
     * Seven devices swarm 16 chunks (each serving what it verified, rate-limited), over several one-second report
     * intervals; some of what they gathered is reported at their own download's completion, the rest at shutdown.
     */
    @Test
    void inASwarmTheBytesReportedAreExactlyTheBytesServed() throws Exception {
        rig = new TestRig(dir, TestRig.swarmKeys(4L << 20,
                Map.of("upload-report-interval", "1s", "swarm.endgame-copies", "1")));
        Path packageFile = TestRig.randomPackage(dir.resolve("packages"), 16 * CHUNK);
        AppManifest manifest = TestRig.manifestOf(packageFile);
        rig.peer("seed", subnet, 2, packageFile);
        List<Device> swarm = IntStream.range(0, 6).mapToObj(i -> os11Device("d" + i, 10 + i)).toList();
        swarm.forEach(d -> d.accept(TestRig.upgrade(d, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused",
                Distribution.SWARM)));

        await().atMost(Duration.ofSeconds(90)).until(() -> swarm.stream()
                .allMatch(d -> !rig.eventsOf(d.id(), DeviceEvent.UpgradeCompleted.class).isEmpty()));
        rig.devices().forEach(Device::stop); // what the last interval gathered is reported at shutdown

        // Each chunk a downloader verified is one response a holder sent in full, and no response sent in full is
        // thrown away (no endgame copies): six packages. A holder rebooting cuts what it was sending (received by
        // the downloader, sent again by another holder): those bytes were never served in full.
        assertThat(rig.eventsOf("seed", DeviceEvent.UploadCompleted.class)).as("the seed reported").isNotEmpty();
        assertThat(servedBytes()).as("sent in full by the holders").isEqualTo(6 * manifest.size());
        assertThat(reportedBytes()).as("reported by the holders").isEqualTo(servedBytes());
        assertThat(receivedPeerBytes()).as("received by the downloaders, cut responses included")
                .isGreaterThanOrEqualTo(servedBytes());
        assertThat(swarm).as("a downloader served while it swarmed, and said so before its DownloadCompleted")
                .anySatisfy(d -> {
                    List<DeviceEvent> own = rig.eventsOf(d.id());
                    int completed = own.indexOf(rig.eventsOf(d.id(), DeviceEvent.DownloadCompleted.class).get(0));
                    assertThat(own.subList(0, completed)).hasAtLeastOneElementOfType(DeviceEvent.UploadCompleted.class);
                });
    }
}
