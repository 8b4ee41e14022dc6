package io.peerlift.device.agent;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.ReleaseKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real subnet: two network namespaces joined by veth pairs on a bridge, each running a device in its own JVM.
 * The requester broadcasts to the subnet's broadcast address (not loopback), the peer answers and serves over
 * the veth link. Needs root and iproute2 (CI runs as root); skips with the reason otherwise.
 */
class NamespaceBroadcastTest {

    @TempDir
    Path dir;

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final String bridge = "plbr" + tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private String subnetPrefix;

    @BeforeEach
    void requireRootAndIproute2() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "network namespaces need root (CI runs this test as root); running as " + System.getProperty("user.name"));
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "the 'ip' command of iproute2 is not installed");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        subnetPrefix = "10." + random.nextInt(200, 250) + "." + random.nextInt(1, 250);
        ip("link", "add", bridge, "type", "bridge");
        ip("link", "set", bridge, "up");
    }

    @AfterEach
    void cleanUp() throws Exception {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (String namespace : namespaces) {
            ipQuietly("netns", "del", namespace);
        }
        ipQuietly("link", "del", bridge);
    }

    /** A namespace whose interface has {@code <prefix>.<host>/24}, plugged into the bridge. */
    private String namespace(String name, int host) throws Exception {
        String namespace = "pl" + name + tag;
        String inside = "pli" + name + tag;
        String outside = "plo" + name + tag;
        ip("netns", "add", namespace);
        namespaces.add(namespace);
        ip("link", "add", outside, "type", "veth", "peer", "name", inside);
        ip("link", "set", outside, "master", bridge);
        ip("link", "set", outside, "up");
        ip("link", "set", inside, "netns", namespace);
        ip("-n", namespace, "addr", "add", subnetPrefix + "." + host + "/24", "dev", inside);
        ip("-n", namespace, "link", "set", inside, "up");
        ip("-n", namespace, "link", "set", "lo", "up");
        return namespace;
    }

    @Test
    void aRequestBroadcastInARealSubnetFindsThePeerInAnotherNamespace() throws Exception {
        String peerNs = namespace("a", 2);
        String requesterNs = namespace("b", 3);
        Path packageFile = TestRig.randomPackage(dir, 2 * AppManifest.DEFAULT_CHUNK_SIZE + 99);
        AppManifest manifest = TestRig.manifestOf(packageFile);
        String port = String.valueOf(TestRig.freeUdpPort());
        String cidr = subnetPrefix + ".0/24";

        List<String> peerOutput = new CopyOnWriteArrayList<>();
        start(peerOutput, peerNs, "peer", "ns-peer", subnetPrefix + ".2", cidr, port, dir.resolve("peer").toString(),
                packageFile.toString());
        await().atMost(60, TimeUnit.SECONDS).until(() -> peerOutput.contains(NamespaceNode.READY));

        List<String> requesterOutput = new CopyOnWriteArrayList<>();
        Process requester = start(requesterOutput, requesterNs, "requester", "ns-requester", subnetPrefix + ".3", cidr,
                port, dir.resolve("requester").toString(), packageFile.toString());
        assertThat(requester.waitFor(90, TimeUnit.SECONDS)).as("requester finished").isTrue();
        assertThat(requester.exitValue()).as(String.join("\n", requesterOutput)).isZero();

        List<DeviceEvent> events = requesterOutput.stream().filter(l -> l.startsWith(NamespaceNode.EVENT))
                .map(l -> EventCodec.decodeEvent(l.substring(NamespaceNode.EVENT.length()))).toList();
        DeviceEvent.DiscoveryAnswered answered = events.stream().filter(DeviceEvent.DiscoveryAnswered.class::isInstance)
                .map(DeviceEvent.DiscoveryAnswered.class::cast).filter(a -> !a.offers().isEmpty()).findFirst().orElseThrow();
        assertThat(answered.offers()).extracting(PeerOffer::peerId, PeerOffer::address)
                .containsExactly(tuple("ns-peer", subnetPrefix + ".2"));
        DeviceEvent.DownloadCompleted completed = events.stream().filter(DeviceEvent.DownloadCompleted.class::isInstance)
                .map(DeviceEvent.DownloadCompleted.class::cast).findFirst().orElseThrow();
        assertThat(completed.source()).isEqualTo(DownloadSource.PEER);
        assertThat(completed.peerBytes()).isEqualTo(manifest.size());
        assertThat(events).filteredOn(DeviceEvent.UpgradeCompleted.class::isInstance).singleElement()
                .extracting(e -> ((DeviceEvent.UpgradeCompleted) e).newOsVersion()).isEqualTo(TestRig.TARGET);
    }

    /** One release key for both processes: the requester checks the signature the peer serves against its own. */
    private Path sharedReleaseKey() throws IOException {
        Path key = dir.resolve("release-signing.key");
        if (!Files.exists(key)) {
            Files.writeString(key, ReleaseKeys.toSigningKeyPem(ReleaseKeys.generate()), StandardCharsets.US_ASCII);
        }
        return key;
    }

    private Process start(List<String> output, String namespace, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-D" + TestReleaseKey.SHARED_KEY_PROPERTY + "=" + sharedReleaseKey(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), NamespaceNode.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(output::add);
            } catch (IOException e) {
                output.add("output lost: " + e.getMessage());
            }
        }, "ns-output-" + namespace);
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void ipQuietly(String... args) {
        try {
            ip(args);
        } catch (Exception e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }
}
