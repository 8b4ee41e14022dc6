package io.peerlift.device;

import io.peerlift.device.agent.DeviceToken;
import io.peerlift.device.agent.GatewayLink;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.OsFamily;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The device gateway against the real broker, with a real agent's link: an agent gets its own commands and
 * configuration only, at once (long polls), and its events reach the topic; authenticated by its own token, it
 * cannot speak for another device.
 */
@QuarkusTest
@TestProfile(GatewayProfile.class)
@WithTestResource(LocalStackTestResource.class)
class GatewayTest {

    private static final String SUBNET = "10.20.30.0/24";

    private final Vertx vertx = Vertx.vertx();
    private final String agent = "agent-" + UUID.randomUUID().toString().substring(0, 8);
    private KafkaProducer<String, String> producer;
    private GatewayLink link;
    private final List<DeviceCommand> commands = new CopyOnWriteArrayList<>();
    private final List<DeviceConfig> configs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalStackTestResource.shared().kafkaBootstrapServers()), new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void close() {
        if (link != null) {
            link.stop();
        }
        producer.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private String gatewayUrl() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    private DeviceCommand.Upgrade upgrade(String deviceId, int attempt) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), deviceId, SUBNET, Instant.now(), "gw-rollout", "base-system",
                "12.7.4", "a".repeat(64), SourcePolicy.PEER_THEN_WAN, "http://repo/api/apps", attempt, null,
                null);
    }

    private DeviceConfig config(String deviceId, long revision) {
        return new DeviceConfig(UUID.randomUUID(), deviceId, 1, List.of(1L), OsFamily.OS11, "11.11.150", Map.of(),
                Map.of(), revision, Instant.now());
    }

    private void publish(DeviceCommand command) {
        producer.send(new ProducerRecord<>(Topics.DEVICE_COMMANDS, command.subnet(), EventCodec.encode(command)));
    }

    private void publish(DeviceConfig config) {
        producer.send(new ProducerRecord<>(Topics.DEVICE_CONFIG, config.deviceId(), EventCodec.encode(config)));
    }

    @Test
    void anAgentGetsItsOwnCommandsAndConfigurationOnlyAndAtOnce() {
        for (int i = 0; i < 50; i++) {
            publish(upgrade("other-" + i, 1));
            publish(config("other-" + i, 1));
        }
        DeviceCommand.Upgrade first = upgrade(agent, 1);
        publish(first);
        publish(config(agent, 1));
        publish(config(agent, 2));
        producer.flush();

        link = new GatewayLink(vertx, gatewayUrl(), agent, new DeviceToken(DeviceTokens.file(agent)),
                Duration.ofSeconds(25));
        link.start(commands::add, configs::add);
        await().atMost(60, TimeUnit.SECONDS).until(() -> commands.size() == 1 && !configs.isEmpty()
                && configs.get(configs.size() - 1).revision() == 2);
        assertThat(commands).containsExactly(first);
        assertThat(configs).allSatisfy(c -> assertThat(c.deviceId()).isEqualTo(agent));

        // The polls are waiting at the gateway now (25 s): what arrives is handed over at once, not at the next poll.
        DeviceCommand.Upgrade retry = upgrade(agent, 2);
        long sent = System.nanoTime();
        publish(retry);
        publish(config(agent, 3));
        producer.flush();
        await().atMost(10, TimeUnit.SECONDS).until(() -> commands.size() == 2
                && configs.get(configs.size() - 1).revision() == 3);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
        assertThat(commands).containsExactly(first, retry);
    }

    @Test
    void anAgentsEventsReachTheTopicAndItCannotSpeakForAnotherDevice() {
        link = new GatewayLink(vertx, gatewayUrl(), agent, new DeviceToken(DeviceTokens.file(agent)),
                Duration.ofSeconds(1));
        DeviceEvent announced = new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), agent, SUBNET, Instant.now(), 7, 1,
                "10.20.30.7", "11.11.150", List.of(), PeerServerState.stopped(22335));
        link.post(List.of(announced));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "gateway-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DEVICE_EVENTS));
            List<DeviceEvent> seen = new CopyOnWriteArrayList<>();
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(EventCodec.decodeEvent(r.value())));
                return seen.contains(announced);
            });
        }

        String impostor = "[" + EventCodec.encode(new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), "someone-else",
                SUBNET, Instant.now(), 1, 1, "10.20.30.8", "11.11.150", List.of(), PeerServerState.stopped(22335))) + "]";
        asDevice(agent).contentType("application/json").body(impostor).post("/api/gateway/v1/devices/{id}/events", agent)
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("only its own events"));
        asDevice(agent).get("/api/gateway/v1/devices/{id}/commands?after=nonsense", agent)
                .then().statusCode(400).body("detail", containsString("<partition>-<offset>"));
        asDevice("never-configured").get("/api/gateway/v1/devices/{id}/config?wait=0", "never-configured")
                .then().statusCode(204);
        asDevice("never-commanded").get("/api/gateway/v1/devices/{id}/commands?wait=0", "never-commanded")
                .then().statusCode(200).body("commands.size()", equalTo(0));
    }

    /**
     * Devices speak only for themselves: without a device token nothing is heard; another device's token, or a
     * person's, reaches neither this device's commands nor its events; so a forged event with a huge seq never
     * reaches the topic, and the device's own next event is still applied after it.
     */
    @Test
    void noDeviceCanSpeakForAnotherOrSilenceItWithAHugeSeq() {
        String forged = "[" + EventCodec.encode(new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), agent, SUBNET,
                Instant.now(), Long.MAX_VALUE, 1, "10.20.30.66", "11.11.150", List.of(), PeerServerState.stopped(22335)))
                + "]";
        given().contentType("application/json").body(forged).post("/api/gateway/v1/devices/{id}/events", agent)
                .then().statusCode(401).contentType("application/problem+json");
        asDevice("mallory").contentType("application/json").body(forged)
                .post("/api/gateway/v1/devices/{id}/events", agent)
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", equalTo("the token of device 'mallory' speaks only for that device, not for '"
                        + agent + "'"));
        asDevice("mallory").contentType("application/json").body(forged)
                .post("/api/gateway/v1/devices/{id}/events", "mallory")
                .then().statusCode(400).body("detail", containsString("only its own events"));
        asDevice("mallory").get("/api/gateway/v1/devices/{id}/commands?wait=0", agent).then().statusCode(403);
        asAdmin().get("/api/gateway/v1/devices/{id}/config?wait=0", agent).then().statusCode(403);

        DeviceEvent own = new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), agent, SUBNET, Instant.now(), 8, 1,
                "10.20.30.7", "11.11.150", List.of(), PeerServerState.stopped(22335));
        asDevice(agent).contentType("application/json").body("[" + EventCodec.encode(own) + "]")
                .post("/api/gateway/v1/devices/{id}/events", agent).then().statusCode(200);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "gateway-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DEVICE_EVENTS));
            List<DeviceEvent> seen = new CopyOnWriteArrayList<>();
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(EventCodec.decodeEvent(r.value())));
                return seen.contains(own);
            });
            assertThat(seen).as("events of " + agent + " on the topic").noneMatch(e -> e.seq() == Long.MAX_VALUE);
        }
    }

    private static RequestSpecification asDevice(String deviceId) {
        return TestTokens.as(DeviceTokens.token(deviceId));
    }
}
