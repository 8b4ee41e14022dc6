package io.peerlift.bench;

import io.peerlift.device.agent.DeviceToken;
import io.peerlift.device.agent.GatewayLink;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.EventCodec;
import io.peerlift.events.OsFamily;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalIssuer;
import io.peerlift.localstack.LocalStack;
import io.peerlift.support.security.Roles;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench agent-traffic [--devices N]}: what one real agent receives per rollout of N devices, through the
 * real device gateway (device-service in gateway mode, on Kafka), beside what it received before, when every agent
 * read the whole command and configuration topics. The rollout's records are what the services publish for it:
 * per device the configuration of the folder move, one Upgrade, and the OS 12 configuration after the upgrade.
 */
public final class AgentTrafficBench {

    private AgentTrafficBench() {
    }

    public static void main(String[] args) throws Exception {
        int devices = PeerServerBench.intOption(args, "--devices", 10_000);
        Path repo = Path.of(option(args)).toAbsolutePath();
        try (WorkDir dir = new WorkDir("peerlift-bench-agent-traffic-");
             LocalStack stack = LocalStack.start(dir.path().resolve("stack"), 0, 0)) {
            Path work = dir.path();
            int port = PeerServerBench.freePort();
            LocalIssuer issuer = LocalIssuer.create(work);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dquarkus.http.port=" + port, "-Dkafka.bootstrap.servers=" + stack.kafkaBootstrapServers(),
                    "-Dpeerlift.device.mode=gateway", "-Dpeerlift.device.data-dir=" + work.resolve("gateway")));
            issuer.quarkusConfig().forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.addAll(List.of("-jar", repo.resolve("device-service/target/quarkus-app/quarkus-run.jar").toString()));
            Process gateway = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(work.resolve("gateway.log").toFile()).start();
            try {
                awaitReady(port, gateway, work);
                run(stack, port, devices, issuer, work);
            } finally {
                gateway.destroy();
                gateway.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void run(LocalStack stack, int port, int devices, LocalIssuer issuer, Path work) throws Exception {
        String agent = "s1-d01";
        Path token = Files.writeString(work.resolve(agent + ".token"), issuer.token(agent, Roles.DEVICE, Duration.ofHours(1)));
        Vertx vertx = Vertx.vertx();
        List<DeviceCommand> commands = new CopyOnWriteArrayList<>();
        List<DeviceConfig> configs = new CopyOnWriteArrayList<>();
        GatewayLink link = new GatewayLink(vertx, "http://127.0.0.1:" + port, agent, new DeviceToken(token),
                Duration.ofSeconds(25));
        link.start(commands::add, configs::add);
        long topicBytes = 0;
        long topicRecords = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new StringSerializer())) {
            for (int phase = 0; phase < 3; phase++) {
                for (int i = 0; i < devices; i++) {
                    int subnet = i / 100 + 1;
                    String id = String.format("s%d-d%02d", subnet, i % 100 + 1);
                    String cidr = "127.10." + subnet + ".0/24";
                    ProducerRecord<String, String> record = switch (phase) {
                        case 0 -> new ProducerRecord<>(Topics.DEVICE_CONFIG, id, EventCodec.encode(config(id, 1, OsFamily.OS11)));
                        case 1 -> new ProducerRecord<>(Topics.DEVICE_COMMANDS, cidr, EventCodec.encode(upgrade(id, cidr)));
                        default -> new ProducerRecord<>(Topics.DEVICE_CONFIG, id, EventCodec.encode(config(id, 2, OsFamily.OS12)));
                    };
                    topicBytes += record.value().getBytes(StandardCharsets.UTF_8).length;
                    topicRecords++;
                    producer.send(record);
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && (commands.isEmpty() || configs.isEmpty()
                || configs.get(configs.size() - 1).revision() < 2)) {
            Thread.sleep(200);
        }
        Thread.sleep(2000); // anything late would still arrive now
        link.stop();
        vertx.close();
        System.out.printf("agent-traffic: one rollout of %d devices (per device: 2 configurations, 1 Upgrade)%n%n", devices);
        System.out.printf("%-44s %10s %14s%n", "what one agent receives", "records", "bytes");
        System.out.printf("%-44s %10d %14d%n", "before: every record of both topics", topicRecords, topicBytes);
        System.out.printf("%-44s %10d %14d%n", "through the gateway: its own (" + agent + ")",
                commands.size() + configs.size(), link.receivedBytes());
        System.out.printf("%n%.0fx less; the gateway's answers include its long polls' empty replies%n",
                (double) topicBytes / link.receivedBytes());
    }

    private static DeviceConfig config(String id, long revision, OsFamily family) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(SettingKeys.DISCOVERY_ENABLED, true);
        settings.put(SettingKeys.DISCOVERY_PORT, SettingKeys.DEFAULT_DISCOVERY_PORT);
        if (family == OsFamily.OS12) {
            settings.put(SettingKeys.PEER_SERVER_ENABLED, true);
            settings.put(SettingKeys.PEER_SERVER_PORT, SettingKeys.DEFAULT_PEER_SERVER_PORT);
            settings.put(SettingKeys.PEER_SERVER_LIMIT, 1);
        } else {
            settings.put(SettingKeys.DOWNLOAD_SERVER_PORT, SettingKeys.DEFAULT_PEER_SERVER_PORT);
        }
        Map<String, DeviceConfig.SettingSource> sources = new LinkedHashMap<>();
        settings.keySet().forEach(key -> sources.put(key, new DeviceConfig.SettingSource(family == OsFamily.OS12 ? 1L : 2L,
                family == OsFamily.OS12 ? "OS 12 Distributed Peer Update Server" : "OS 11 Distributed Peer Update client")));
        return new DeviceConfig(UUID.randomUUID(), id, 2, List.of(1L, 2L), family,
                family == OsFamily.OS12 ? "12.7.4" : "11.11.150", settings, sources, revision, Instant.now());
    }

    private static DeviceCommand.Upgrade upgrade(String id, String cidr) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), id, cidr, Instant.now(), UUID.randomUUID().toString(),
                "base-system", "12.7.4", "a".repeat(64), SourcePolicy.PEER_THEN_WAN,
                "http://rollout-service:8083/api/apps", 1, null, null);
    }

    private static void awaitReady(int port, Process gateway, Path work) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the gateway did not become ready; see " + work.resolve("gateway.log"));
    }

    private static String option(String[] args) {
        List<String> all = new ArrayList<>(List.of(args));
        int at = all.indexOf("--repo-dir");
        return at >= 0 && at + 1 < all.size() ? all.get(at + 1) : ".";
    }
}
