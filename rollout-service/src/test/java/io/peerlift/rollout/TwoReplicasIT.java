package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import io.peerlift.localstack.LocalStack;
import io.peerlift.localstack.TestTokens;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.otherFolderPath;
import static io.peerlift.rollout.RolloutFixtures.state;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two rollout-service processes, the packaged application twice, on one Kafka and one PostgreSQL, finish one
 * rollout together: every device gets exactly one Upgrade, and both replicas do work (each consumes the events
 * of its partitions and plans subnets).
 */
class TwoReplicasIT {

    private static final int SUBNETS = 6;
    private static final int DEVICES_PER_SUBNET = 6;
    private static final Duration ROLLOUT_LIMIT = Duration.ofMinutes(3);
    private static final Pattern COUNTER = Pattern.compile("(?m)^%s(\\{[^}]*})? ([0-9.E]+)$");

    private static LocalStack stack;
    private static final List<Replica> replicas = new ArrayList<>();

    /** One rollout-service process and the port it serves. */
    private record Replica(Process process, int port, Path log) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        Path work = Files.createTempDirectory("two-replicas");
        stack = LocalStack.start(work.resolve("stack"), 0, 0);
        System.setProperty("kafka.bootstrap.servers", stack.kafkaBootstrapServers());
        for (int i = 1; i <= 2; i++) {
            replicas.add(start(work, i));
        }
        for (Replica replica : replicas) {
            awaitReady(replica);
        }
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = replicas.get(0).port();
    }

    @AfterAll
    static void stop() throws Exception {
        for (Replica replica : replicas) {
            replica.process().destroy();
            if (!replica.process().waitFor(30, TimeUnit.SECONDS)) {
                replica.process().destroyForcibly();
            }
        }
        if (stack != null) {
            stack.close();
        }
        RestAssured.reset();
    }

    @Test
    void bothReplicasWorkAndEachDeviceIsCommandedOnce() throws Exception {
        int n = unique();
        try (SimulatedFleet fleet = new SimulatedFleet(RolloutFixtures.uploadPackage(), RolloutFixtures.PAYLOAD.length);
             CommandWatcher commands = CommandWatcher.commands()) {
            List<String> ids = new ArrayList<>();
            for (int s = 1; s <= SUBNETS; s++) {
                String subnet = subnet(n + s, 1);
                fleet.join(id(n, s * 10), subnet, 10, TARGET, otherFolderPath()).startPeerServer(1);
                ids.add(id(n, s * 10));
                for (int d = 1; d <= DEVICES_PER_SUBNET; d++) {
                    fleet.join(id(n, s * 10 + d), subnet, 10 + d, SOURCE, folderPath(n));
                    ids.add(id(n, s * 10 + d));
                }
            }
            for (Replica replica : replicas) {
                RestAssured.port = replica.port();
                awaitInventory(fleet, ids.toArray(String[]::new));
            }
            RestAssured.port = replicas.get(0).port();
            String rolloutId = createRollout(folder(n), Map.of());

            // The fleet answers every Upgrade as a device would, whichever replica sent it.
            Set<String> answered = new HashSet<>();
            long deadline = System.nanoTime() + ROLLOUT_LIMIT.toNanos();
            RestAssured.port = replicas.get(1).port();
            while (!"COMPLETED".equals(state(rolloutId))) {
                assertThat(System.nanoTime()).as("the rollout completes within " + ROLLOUT_LIMIT).isLessThan(deadline);
                for (DeviceCommand.Upgrade upgrade : commands.upgrades(rolloutId)) {
                    if (answered.add(upgrade.deviceId())) {
                        fleet.device(upgrade.deviceId()).upgradeFully(rolloutId,
                                upgrade.sourcePolicy() == SourcePolicy.WAN_SEED ? DownloadSource.WAN : DownloadSource.PEER, 1);
                    }
                }
                Thread.sleep(100);
            }

            List<DeviceCommand.Upgrade> upgrades = commands.upgrades(rolloutId);
            assertThat(upgrades).extracting(DeviceCommand::deviceId).doesNotHaveDuplicates()
                    .hasSize(SUBNETS * DEVICES_PER_SUBNET);
            assertThat(upgrades).extracting(DeviceCommand.Upgrade::attempt).containsOnly(1);
            for (Replica replica : replicas) {
                String metrics = get(replica.url("/q/metrics"));
                assertThat(counter(metrics, "peerlift_rollout_events_total", "outcome=\"applied\",topic=\"peerlift.device-events\""))
                        .as("events recorded by the replica on port " + replica.port()).isPositive();
                assertThat(counter(metrics, "peerlift_rollout_subnets_planned_total", null))
                        .as("subnets planned by the replica on port " + replica.port()).isPositive();
            }
        }
    }

    private static Replica start(Path work, int number) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = work.resolve("replica-" + number + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + stack.kafkaBootstrapServers(),
                "-Dpeerlift.rollout.repository.storage-dir=" + work.resolve("repository"),
                "-Dpeerlift.rollout.repository.trusted-release-keys="
                        + Path.of("src/test/resources/release-keys/trusted-public.pem").toAbsolutePath(),
                "-Dquarkus.log.category.\"org.apache.kafka\".level=WARN"));
        stack.quarkusConfig("rollout").forEach((key, value) -> command.add("-D" + key + "=" + value));
        TestTokens.issuer().quarkusConfig().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(Path.of(System.getProperty("rollout-service.jar", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath().toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Replica(process, port, log);
    }

    private static void awaitReady(Replica replica) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(replica.process().isAlive()).as("replica alive, see " + replica.log()).isTrue();
            try {
                return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(replica.url("/q/health/ready")))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of a Prometheus counter, summed over the series whose labels contain {@code labels}. */
    private static double counter(String metrics, String name, String labels) {
        Matcher matcher = Pattern.compile(String.format(COUNTER.pattern(), Pattern.quote(name))).matcher(metrics);
        double sum = 0;
        while (matcher.find()) {
            if (labels == null || matcher.group(1) != null && matcher.group(1).contains(labels)) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }
}
