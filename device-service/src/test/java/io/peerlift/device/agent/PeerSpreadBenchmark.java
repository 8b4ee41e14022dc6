package io.peerlift.device.agent;

import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.Distribution;
import io.peerlift.events.OsFamily;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.peerlift.events.SwarmBound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * How fast a package spreads through one subnet from a single initial peer when every device is commanded at once
 * and upgraded devices are configured as peers: prints the time each device finished and the peers over time.
 * Run with {@code -Dtest=PeerSpreadBenchmark -Dpeerlift.benchmark=true [-Dpeerlift.benchmark.devices=32]
 * [-Dpeerlift.benchmark.distribution=SWARM] [-Dpeerlift.benchmark.rounds=2]}: the device side of {@code bin/demo}'s subnet without Kafka or the
 * control plane (every device commanded at once), set against T* for a swarm.
 */
@EnabledIfSystemProperty(named = "peerlift.benchmark", matches = "true")
class PeerSpreadBenchmark {

    @TempDir
    Path dir;

    @Test
    void spreadFromOneInitialPeer() throws Exception {
        int devices = Integer.getInteger("peerlift.benchmark.devices", 16);
        long rate = Long.getLong("peerlift.benchmark.rate", 16L << 20);
        int packageMib = Integer.getInteger("peerlift.benchmark.package-mib", 8);
        Distribution distribution = Distribution.valueOf(System.getProperty("peerlift.benchmark.distribution",
                "WHOLE_FILE"));
        // As bin/demo's fleet: a 500 ms discovery window, one upload slot, every chunk served once verified.
        Map<String, String> keys = distribution == Distribution.SWARM
                ? Map.of("upload-rate-bytes-per-second", String.valueOf(rate), "discovery-window", "500ms",
                "peer-server-limit", "1", "install-duration", "1ms", "reboot-delay", "1ms")
                : Map.of("upload-rate-bytes-per-second", String.valueOf(rate));
        // Rounds after the first run on a warm JVM (the demo's fleet swarms once, on a JVM just started).
        int rounds = Integer.getInteger("peerlift.benchmark.rounds", 1);
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("round %d of %d%n", round, rounds);
            Path roundDir = dir.resolve("round-" + round);
            try (TestRig rig = new TestRig(roundDir, keys)) {
                Subnet subnet = TestRig.randomSubnet();
                Path packageFile = TestRig.randomPackage(roundDir.resolve("package"),
                        packageMib * AppManifest.DEFAULT_CHUNK_SIZE);
                AppManifest manifest = TestRig.manifestOf(packageFile);
                rig.peer("peer", subnet, 2, packageFile);
                List<Device> fleet = new ArrayList<>();
                for (int i = 0; i < devices; i++) {
                    Device device = rig.device("d" + i, subnet, 10 + i, TestRig.OS11, false);
                    device.start();
                    fleet.add(device);
                }
                // Like profile-service: an upgraded device gets the OS 12 peer profile.
                rig.onEvent(event -> {
                    if (event instanceof DeviceEvent.UpgradeCompleted completed) {
                        Device device = fleet.stream().filter(d -> d.id().equals(completed.deviceId())).findFirst().orElseThrow();
                        device.accept(new DeviceConfig(UUID.randomUUID(), device.id(), 1,
                                List.of(1L), OsFamily.OS12, TestRig.TARGET, Map.of(SettingKeys.PEER_SERVER_ENABLED, true,
                                SettingKeys.DISCOVERY_PORT, rig.discoveryPort, SettingKeys.PEER_SERVER_LIMIT, 1), Map.of(),
                                1, Instant.now()));
                    }
                });
                long start = System.nanoTime();
                Instant commanded = Instant.now();
                fleet.forEach(d -> d.accept(TestRig.upgrade(d, manifest, SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/x",
                        distribution)));
                await().atMost(10, TimeUnit.MINUTES).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                        rig.events.stream().filter(DeviceEvent.UpgradeCompleted.class::isInstance).count() == devices);
                double seconds = (System.nanoTime() - start) / 1e9;
                List<Double> finished = rig.events.stream().filter(DeviceEvent.DownloadCompleted.class::isInstance)
                        .map(e -> (e.occurredAt().toEpochMilli() - commanded.toEpochMilli()) / 1000.0)
                        .sorted().toList();
                double single = (double) manifest.size() / rate;
                System.out.printf("%d devices, %d MiB at %.1f MiB/s per upload (%.2f s per transfer): all upgraded in %.2f s"
                                + " (ideal doubling: %d transfer rounds)%n", devices, packageMib, rate / 1048576.0, single,
                        seconds, 32 - Integer.numberOfLeadingZeros(devices));
                System.out.println("download completions (s since start): " + finished);
                if (distribution == Distribution.SWARM) {
                    double bound = SwarmBound.seconds(manifest.size(), rate, devices, manifest.chunkCount());
                    double last = finished.get(finished.size() - 1);
                    System.out.printf("swarm: last download %.2f s, T* %.2f s, %.2fx T*%n", last, bound, last / bound);
                }
            }
        }
    }
}
