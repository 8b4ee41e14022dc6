package io.peerlift.device;

import io.peerlift.events.AppManifest;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * A small fleet: 2 subnets of 3 devices; subnet 1 has an initial peer, subnet 2 none; the last device of each subnet
 * is too old to upgrade. Free ports and a fresh data directory, so it never meets a demo fleet on the defaults.
 */
public class FleetProfile implements QuarkusTestProfile {

    static final Path WORK;
    static final Path SEED;
    static final AppManifest SEED_MANIFEST;
    static final Path SEED_SIGNATURE;
    static final int DISCOVERY_PORT;

    static {
        try {
            WORK = Files.createTempDirectory("peerlift-fleet-test");
            byte[] payload = new byte[2 * AppManifest.DEFAULT_CHUNK_SIZE + 777];
            new Random(42).nextBytes(payload);
            SEED = Files.write(WORK.resolve("base-system-12.7.4.bin"), payload);
            try (InputStream in = Files.newInputStream(SEED)) {
                SEED_MANIFEST = AppManifest.compute("base-system", "12.7.4", AppManifest.DEFAULT_CHUNK_SIZE, in);
            }
            SEED_SIGNATURE = TestReleaseKey.sign(SEED_MANIFEST).write(WORK.resolve("base-system-12.7.4.signature.json"));
            try (DatagramSocket socket = new DatagramSocket(0)) {
                DISCOVERY_PORT = socket.getLocalPort();
            }
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
                Map.entry("peerlift.device.install-duration", "200ms"),
                Map.entry("peerlift.device.reboot-delay", "200ms"),
                Map.entry("peerlift.device.discovery-window", "300ms"),
                Map.entry("peerlift.device.discovery-backoff", "200ms"),
                Map.entry("peerlift.fleet.subnets", "2"),
                Map.entry("peerlift.fleet.devices-per-subnet", "3"),
                Map.entry("peerlift.fleet.initial-peers-per-subnet", "1"),
                Map.entry("peerlift.fleet.subnets-without-peers", "1"),
                Map.entry("peerlift.fleet.ineligible-per-subnet", "1"),
                Map.entry("peerlift.fleet.seed-package.file", SEED.toString()),
                Map.entry("peerlift.fleet.seed-package.signature-file", SEED_SIGNATURE.toString()),
                Map.entry("peerlift.device.trusted-release-keys", TestReleaseKey.publicKeyFile().toString()));
    }
}
