package io.peerlift.device;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A small fleet for partitions: 2 subnets of 5 devices, each subnet with an initial peer of {@link FleetProfile}'s
 * package, announcing every second so a cut-off subnet keeps emitting. Its own data directory and ports; it reads
 * the topics from the start, so it also gets what FleetKafkaTest sent to devices 1-3 of each subnet.
 */
public class PartitionFleetProfile implements QuarkusTestProfile {

    private static final Path WORK;
    private static final int DISCOVERY_PORT;

    static {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            WORK = Files.createTempDirectory("peerlift-partition-test");
            DISCOVERY_PORT = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("peerlift.device.mode", "fleet"),
                Map.entry("peerlift.device.data-dir", WORK.resolve("devices").toString()),
                Map.entry("peerlift.device.discovery-port", String.valueOf(DISCOVERY_PORT)),
                Map.entry("peerlift.device.peer-server-port", "0"),
                Map.entry("peerlift.device.announce-interval", "1s"),
                Map.entry("peerlift.device.install-duration", "200ms"),
                Map.entry("peerlift.device.reboot-delay", "200ms"),
                Map.entry("peerlift.device.discovery-window", "300ms"),
                Map.entry("peerlift.device.discovery-backoff", "200ms"),
                Map.entry("peerlift.fleet.subnets", "2"),
                Map.entry("peerlift.fleet.devices-per-subnet", "5"),
                Map.entry("peerlift.fleet.initial-peers-per-subnet", "1"),
                Map.entry("peerlift.fleet.subnets-without-peers", "0"),
                Map.entry("peerlift.fleet.ineligible-per-subnet", "0"),
                Map.entry("peerlift.fleet.seed-package.file", FleetProfile.SEED.toString()),
                Map.entry("peerlift.fleet.seed-package.signature-file", FleetProfile.SEED_SIGNATURE.toString()),
                Map.entry("peerlift.device.trusted-release-keys", TestReleaseKey.publicKeyFile().toString()));
    }
}
