package io.peerlift.device;

import com.sun.net.httpserver.HttpServer;
import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.EventCodec;
import io.peerlift.events.OsFamily;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** A fleet driven through the real broker: configurations and commands in, the contract's events out. */
@QuarkusTest
@TestProfile(FleetProfile.class)
@WithTestResource(LocalStackTestResource.class)
class FleetKafkaTest {

    private static final String SUBNET_1 = "127.10.1.0/24";
    private static final String SUBNET_2 = "127.10.2.0/24";

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

    @BeforeEach
    void connect() {
        String bootstrap = LocalStackTestResource.shared().kafkaBootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "fleet-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.DEVICE_EVENTS, Topics.deadLetterOf(Topics.DEVICE_COMMANDS)));
    }

    @AfterEach
    void close() {
        producer.close();
        consumer.close();
    }

    /** This fleet's events: of its devices' newest incarnation (FleetPartitionTest's fleet has the same ids). */
    private List<DeviceEvent> events() {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        List<DeviceEvent> ours = records.stream().filter(r -> r.topic().equals(Topics.DEVICE_EVENTS))
                .map(r -> EventCodec.decodeEvent(r.value())).filter(e -> e.deviceId().matches("s[12]-d0[1-3]")).toList();
        Map<String, Long> newest = ours.stream().collect(Collectors.toMap(DeviceEvent::deviceId, DeviceEvent::epoch, Math::max));
        return ours.stream().filter(e -> e.epoch() == newest.get(e.deviceId())).toList();
    }

    private <T extends DeviceEvent> List<T> events(String deviceId, Class<T> type) {
        return events().stream().filter(e -> e.deviceId().equals(deviceId)).filter(type::isInstance).map(type::cast).toList();
    }

    private void publishConfig(String deviceId, long revision) {
        DeviceConfig config = new DeviceConfig(UUID.randomUUID(), deviceId, 1, List.of(1L), OsFamily.OS12, "12.7.4",
                Map.of(SettingKeys.DISCOVERY_ENABLED, true, SettingKeys.DISCOVERY_PORT, FleetProfile.DISCOVERY_PORT,
                        SettingKeys.PEER_SERVER_ENABLED, true, SettingKeys.PEER_SERVER_PORT, 0,
                        SettingKeys.PEER_SERVER_LIMIT, 2),
                Map.of(), revision, Instant.now());
        producer.send(new ProducerRecord<>(Topics.DEVICE_CONFIG, deviceId, EventCodec.encode(config)));
    }

    private DeviceCommand.Upgrade upgrade(String deviceId) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), deviceId, SUBNET_1, Instant.now(), "fleet-rollout",
                "base-system", "12.7.4", FleetProfile.SEED_MANIFEST.manifestSha256(), SourcePolicy.PEER_ONLY,
                "http://127.0.0.1:9/unused", 1, TestReleaseKey.sign(FleetProfile.SEED_MANIFEST), null);
    }

    private static DeviceCommand.Upgrade upgrade(String deviceId, String subnet, AppManifest release,
                                                 String repositoryUrl, ReleaseSignature signature) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), deviceId, subnet, Instant.now(), "forged-rollout",
                release.app(), release.version(), release.manifestSha256(), SourcePolicy.WAN_SEED, repositoryUrl, 3,
                signature, null);
    }

    private static AppManifest release(String version, byte[] payload) {
        try {
            return AppManifest.compute("base-system", version, AppManifest.DEFAULT_CHUNK_SIZE,
                    new ByteArrayInputStream(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void publish(DeviceCommand command) {
        producer.send(new ProducerRecord<>(Topics.DEVICE_COMMANDS, command.subnet(), EventCodec.encode(command)));
    }

    @Test
    void aCommandedDeviceUpgradesFromTheInitialPeerAndServesOnceConfigured() {
        await().atMost(60, TimeUnit.SECONDS).until(() -> events().stream().filter(DeviceEvent.DeviceAnnounced.class::isInstance)
                .map(DeviceEvent::deviceId).distinct().count() == 6);
        DeviceEvent.DeviceAnnounced initialPeer = events("s1-d01", DeviceEvent.DeviceAnnounced.class).get(0);
        assertThat(initialPeer.osVersion()).isEqualTo("12.7.4");
        assertThat(initialPeer.apps()).singleElement().satisfies(app ->
                assertThat(app.manifestSha256()).isEqualTo(FleetProfile.SEED_MANIFEST.manifestSha256()));
        assertThat(events("s2-d01", DeviceEvent.DeviceAnnounced.class).get(0).apps()).as("subnet 2 has no initial peer").isEmpty();
        asViewer().get("/api/devices").then().statusCode(200).body("$", hasSize(6))
                .body("find { it.id == 's1-d03' }.osVersion", equalTo("11.10.250"))
                .body("find { it.id == 's1-d02' }.ip", equalTo("127.10.1.3"));

        publishConfig("s1-d01", 1);
        await().atMost(60, TimeUnit.SECONDS).until(() -> events("s1-d01", DeviceEvent.PeerServerStarted.class).stream()
                .anyMatch(started -> started.capacity() == 2));

        DeviceCommand.Upgrade upgrade = upgrade("s1-d02");
        publish(upgrade);
        publish(upgrade);
        publish(upgrade("s1-d03"));
        producer.send(new ProducerRecord<>(Topics.DEVICE_COMMANDS, SUBNET_1, "{not a command"));

        await().atMost(60, TimeUnit.SECONDS).until(() -> !events("s1-d02", DeviceEvent.UpgradeCompleted.class).isEmpty()
                && !events("s1-d03", DeviceEvent.UpgradeFailed.class).isEmpty());
        DeviceEvent.DownloadCompleted completed = events("s1-d02", DeviceEvent.DownloadCompleted.class).get(0);
        assertThat(completed.source()).isEqualTo(DownloadSource.PEER);
        assertThat(completed.peerBytes()).isEqualTo(FleetProfile.SEED_MANIFEST.size());
        assertThat(completed.rolloutId()).isEqualTo("fleet-rollout");
        assertThat(events("s1-d02", DeviceEvent.DownloadStarted.class)).as("the re-delivery changed nothing").hasSize(1);

        publishConfig("s1-d02", 1);
        await().atMost(60, TimeUnit.SECONDS).until(() -> !events("s1-d02", DeviceEvent.PeerServerStarted.class).isEmpty());
        asViewer().get("/api/devices/s1-d02").then().statusCode(200)
                .body("osVersion", equalTo("12.7.4"))
                .body("peerServer.running", equalTo(true))
                .body("download.bytesDone", equalTo((int) FleetProfile.SEED_MANIFEST.size()));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("peerlift_devices{state=\"IDLE\"}"))
                .body(containsString("peerlift_download_bytes_total{source=\"PEER\"}"));
        asViewer().get("/api/devices/nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404)).body("detail", containsString("nope"));

        await().atMost(60, TimeUnit.SECONDS).until(() -> records.stream()
                .anyMatch(r -> r.topic().endsWith(".dlq") && r.value().equals("{not a command")));
        for (String device : List.of("s1-d01", "s1-d02", "s1-d03")) {
            List<Long> seqs = events().stream().filter(e -> e.deviceId().equals(device)).map(DeviceEvent::seq).toList();
            assertThat(seqs).as(device + " seq rises by one").containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, seqs.size()).boxed().toList());
        }
        assertThat(records).filteredOn(r -> r.topic().equals(Topics.DEVICE_EVENTS) && r.value().contains("\"s1-d02\""))
                .allSatisfy(r -> assertThat(r.key()).isEqualTo(SUBNET_1));
    }

    @Test
    void forgedTamperedUntrustedAndRollbackUpgradesFromTheTopicInstallNothing() throws Exception {
        // A repository of the attacker's, counting every request a device makes to it.
        AtomicInteger foreignRequests = new AtomicInteger();
        HttpServer foreign = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        foreign.createContext("/", exchange -> {
            foreignRequests.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        foreign.start();
        try {
            String foreignUrl = "http://127.0.0.1:" + foreign.getAddress().getPort() + "/api/apps";
            byte[] evil = new byte[3 * AppManifest.DEFAULT_CHUNK_SIZE];
            new Random(7).nextBytes(evil);
            AppManifest evilRelease = release("12.9.0", evil);
            byte[] tampered = Files.readAllBytes(FleetProfile.SEED);
            tampered[tampered.length / 2] ^= 1;
            AppManifest tamperedRelease = release("12.7.4", tampered);
            AppManifest older = release("12.5.0", evil);

            DeviceCommand.Upgrade unsigned = upgrade("s2-d01", SUBNET_2, evilRelease, foreignUrl, null);
            DeviceCommand.Upgrade untrusted = upgrade("s2-d01", SUBNET_2, evilRelease, foreignUrl,
                    new ReleaseSigner(ReleaseKeys.generate()).sign(evilRelease, "12.9.0"));
            DeviceCommand.Upgrade genuineSignatureOtherBytes = upgrade("s2-d02", SUBNET_2, tamperedRelease, foreignUrl,
                    TestReleaseKey.sign(FleetProfile.SEED_MANIFEST));
            DeviceCommand.Upgrade rollback = upgrade("s1-d01", SUBNET_1, older, foreignUrl, TestReleaseKey.sign(older));
            Map<DeviceCommand.Upgrade, String> expected = Map.of(
                    unsigned, "base-system 12.9.0 is not signed",
                    untrusted, "which is not a trusted release key",
                    genuineSignatureOtherBytes, "does not match this manifest (manifest "
                            + tamperedRelease.manifestSha256() + "): the payload or the signature was changed",
                    rollback, "target 12.5.0 is older than the running OS 12.7.4: a device never goes back");
            expected.keySet().forEach(this::publish);

            await().atMost(60, TimeUnit.SECONDS).until(() -> events().stream()
                    .filter(DeviceEvent.UpgradeFailed.class::isInstance).map(DeviceEvent.UpgradeFailed.class::cast)
                    .filter(failed -> failed.rolloutId().equals("forged-rollout")).count() == expected.size());
            expected.forEach((command, reason) -> assertThat(events(command.deviceId(), DeviceEvent.UpgradeFailed.class))
                    .as("the answer to the command naming %s", command.version())
                    .filteredOn(failed -> command.commandId().equals(failed.commandId()))
                    .singleElement()
                    .satisfies(failed -> assertThat(failed.attempt()).isEqualTo(3))
                    .satisfies(failed -> assertThat(failed.reason()).contains(reason)));
            Set<UUID> refused = expected.keySet().stream().map(DeviceCommand::commandId).collect(Collectors.toSet());
            assertThat(events()).as("no refused command was acted upon")
                    .filteredOn(event -> event instanceof DeviceEvent.Answer answer && refused.contains(answer.commandId()))
                    .allSatisfy(event -> assertThat(event).isInstanceOf(DeviceEvent.UpgradeFailed.class));
            assertThat(foreignRequests).as("requests to the foreign repository").hasValue(0);
            for (String device : List.of("s2-d01", "s2-d02")) {
                asViewer().get("/api/devices/" + device).then().statusCode(200)
                        .body("osVersion", equalTo("11.11.150")).body("apps", hasSize(0));
            }
            asViewer().get("/api/devices/s1-d01").then().statusCode(200).body("osVersion", equalTo("12.7.4"))
                    .body("apps.version", contains("12.7.4"));
        } finally {
            foreign.stop(0);
        }
    }
}
