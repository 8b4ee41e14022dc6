package io.peerlift.bench;

import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.localstack.LocalStack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/bench fleet --devices N [--devices-per-subnet M] [--all-serving]}: what a simulated fleet costs the
 * device-service JVM. It starts Kafka, then the real device-service in fleet mode twice: with one device (the
 * reference, measured in the same run) and with N, each until every device has announced itself and then settled;
 * it reports live threads, heap used after a full GC and RSS, and per 1,000 devices what the N devices added over
 * the reference. By default one device per subnet is an initial peer that serves; {@code --all-serving} makes every
 * device serve.
 */
public final class FleetBench {

    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private record Cost(int devices, int threads, double heapMib, double rssMib, double startSeconds) {
    }

    private FleetBench() {
    }

    public static void main(String[] args) throws Exception {
        int devices = PeerServerBench.intOption(args, "--devices", 1000);
        int perSubnet = PeerServerBench.intOption(args, "--devices-per-subnet", Math.min(devices, 100));
        boolean allServing = List.of(args).contains("--all-serving");
        Path repo = Path.of(option(args, "--repo-dir", ".")).toAbsolutePath();
        Path jar = repo.resolve("device-service/target/quarkus-app/quarkus-run.jar");
        try (WorkDir dir = new WorkDir("peerlift-bench-fleet-")) {
            run(dir.path(), jar, devices, perSubnet, allServing);
        }
    }

    private static void run(Path work, Path jar, int devices, int perSubnet, boolean allServing) throws Exception {
        Path seed = work.resolve("seed.bin");
        byte[] payload = new byte[1 << 20];
        new Random(1).nextBytes(payload);
        Files.write(seed, payload);
        // The devices hold only releases a trusted key signed: provision them as bin/demo does.
        KeyPair release = ReleaseKeys.generate();
        Path releaseKey = Files.writeString(work.resolve("release-public.pem"), ReleaseKeys.toPem(release.getPublic()));
        Path signature = new ReleaseSigner(release).sign(AppManifest.compute("base-system", "12.7.4",
                AppManifest.DEFAULT_CHUNK_SIZE, new ByteArrayInputStream(payload)), "12.7.4")
                .write(work.resolve("seed.signature.json"));
        Seed provisioned = new Seed(seed, signature, releaseKey);
        System.out.printf("fleet: %d devices in subnets of %d, %s; device-service -Xmx1g%n", devices, perSubnet,
                allServing ? "every device serving" : "one serving initial peer per subnet");
        try (LocalStack stack = LocalStack.start(work.resolve("stack"), 0, 0)) {
            Cost reference = run(jar, stack, work.resolve("one"), provisioned, 1, 1, false);
            Cost fleet = run(jar, stack, work.resolve("fleet"), provisioned, devices, perSubnet, allServing);
            print(reference, fleet);
        }
    }

    /** The initial peers' package, its release signature and the release key the devices trust. */
    private record Seed(Path payload, Path signature, Path releaseKey) {
    }

    private static Cost run(Path jar, LocalStack stack, Path dataDir, Seed seed, int devices, int perSubnet,
                            boolean allServing) throws Exception {
        int subnets = (devices + perSubnet - 1) / perSubnet;
        int httpPort = PeerServerBench.freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dquarkus.http.port=" + httpPort,
                "-Dkafka.bootstrap.servers=" + stack.kafkaBootstrapServers(),
                "-Dpeerlift.device.mode=fleet", "-Dpeerlift.device.data-dir=" + dataDir,
                "-Dpeerlift.device.discovery-port=" + PeerServerBench.freePort(), "-Dpeerlift.device.peer-server-port=" + PeerServerBench.freePort(),
                "-Dpeerlift.fleet.subnets=" + subnets, "-Dpeerlift.fleet.devices-per-subnet=" + perSubnet,
                "-Dpeerlift.fleet.initial-peers-per-subnet=" + (allServing ? perSubnet : 1),
                "-Dpeerlift.fleet.seed-package.file=" + seed.payload(),
                "-Dpeerlift.fleet.seed-package.signature-file=" + seed.signature(),
                "-Dpeerlift.device.trusted-release-keys=" + seed.releaseKey(), "-jar", jar.toString()));
        Files.createDirectories(dataDir);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("device-service.log").toFile()).start();
        try {
            awaitDevices(httpPort, subnets * perSubnet, process, dataDir);
            double startSeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(10_000); // let the announcements and the start-up work settle
            return new Cost(subnets * perSubnet, threads(process), heapAfterGc(process), rss(process), startSeconds);
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void awaitDevices(int port, int expected, Process process, Path dataDir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/devices");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("device-service ended; see " + dataDir.resolve("device-service.log"));
            }
            try {
                String body = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (count(body, "\"id\":") >= expected) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the fleet did not come up within 10 minutes");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static int threads(Process process) throws IOException {
        return Integer.parseInt(match(THREADS, status(process)));
    }

    private static double rss(Process process) throws IOException {
        return Long.parseLong(match(RSS, status(process))) / 1024.0;
    }

    private static String status(Process process) throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(process.pid()), "status"));
    }

    /** Heap in use right after a full GC, as the JVM itself reports it (jcmd). */
    private static double heapAfterGc(Process process) throws Exception {
        jcmd(process, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(process, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("jcmd GC.heap_info printed no heap figure");
        }
        return Long.parseLong(used.group(1)) / 1024.0;
    }

    private static String jcmd(Process process, String command) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static String match(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in /proc status");
        }
        return matcher.group(1);
    }

    private static void print(Cost reference, Cost fleet) {
        double per = 1000.0 / (fleet.devices() - reference.devices());
        System.out.printf("%n%-28s %10s %10s %10s %10s%n", "", "threads", "heap MiB", "RSS MiB", "start s");
        System.out.printf("%-28s %10d %10.1f %10.1f %10.1f%n", "1 device (reference)", reference.threads(),
                reference.heapMib(), reference.rssMib(), reference.startSeconds());
        System.out.printf("%-28s %10d %10.1f %10.1f %10.1f%n", fleet.devices() + " devices", fleet.threads(),
                fleet.heapMib(), fleet.rssMib(), fleet.startSeconds());
        System.out.printf("%-28s %10.1f %10.1f %10.1f%n", "per 1,000 devices (added)",
                (fleet.threads() - reference.threads()) * per, (fleet.heapMib() - reference.heapMib()) * per,
                (fleet.rssMib() - reference.rssMib()) * per);
        System.out.printf("%-28s %10.1f KiB heap%n", "per device", (fleet.heapMib() - reference.heapMib()) * per * 1024 / 1000);
        System.out.println("before this issue (issue #11): 1,000 devices held 1.1 GB and 1,600 threads");
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
