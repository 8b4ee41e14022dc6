package io.peerlift.device;

import com.sun.net.httpserver.HttpServer;
import io.peerlift.device.agent.DeviceContext;
import io.peerlift.device.download.Source;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.OsFamily;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
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

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * A subnet of the fleet cut off for a while (the fault hook), through the real broker: its events wait and arrive in
 * order after the heal, its commands are handed over after the heal (an expired one is dropped), its repository is
 * unreachable, and the other subnet goes on meanwhile.
 */
@QuarkusTest
@TestProfile(PartitionFleetProfile.class)
@WithTestResource(LocalStackTestResource.class)
class FleetPartitionTest {

    private static final String SUBNET_1 = "127.10.1.0/24";
    private static final String SUBNET_2 = "127.10.2.0/24";
    private static final int CUT_SECONDS = 15;

    @Inject
    DeviceContext devices;

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    /** The events of this fleet, in topic order, with when this test first saw each. */
    private final List<Seen> seen = new ArrayList<>();
    /** The newest incarnation of each device: other fleets on the same topic had the same ids. */
    private final Map<String, Long> epochs = new HashMap<>();

    private record Seen(DeviceEvent event, Instant at) {
    }

    @BeforeEach
    void connect() {
        String bootstrap = LocalStackTestResource.shared().kafkaBootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "partition-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(Topics.DEVICE_EVENTS));
    }

    @AfterEach
    void close() {
        producer.close();
        consumer.close();
    }

    private List<DeviceEvent> events() {
        Instant now = Instant.now();
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            DeviceEvent event = EventCodec.decodeEvent(record.value());
            if (event.deviceId().matches("s[12]-d0[1-5]")) {
                seen.add(new Seen(event, now));
                epochs.merge(event.deviceId(), event.epoch(), Math::max);
            }
        }
        return current().stream().map(Seen::event).toList();
    }

    private List<Seen> current() {
        return seen.stream().filter(s -> s.event().epoch() == epochs.get(s.event().deviceId())).toList();
    }

    private <T extends DeviceEvent> List<T> events(String deviceId, Class<T> type) {
        return events().stream().filter(e -> e.deviceId().equals(deviceId)).filter(type::isInstance).map(type::cast).toList();
    }

    private void configurePeer(String deviceId) {
        DeviceConfig config = new DeviceConfig(UUID.randomUUID(), deviceId, 1, List.of(1L), OsFamily.OS12, "12.7.4",
                Map.of(SettingKeys.DISCOVERY_ENABLED, true, SettingKeys.PEER_SERVER_ENABLED, true,
                        SettingKeys.PEER_SERVER_PORT, 0, SettingKeys.PEER_SERVER_LIMIT, 2),
                Map.of(), 1, Instant.now());
        producer.send(new ProducerRecord<>(Topics.DEVICE_CONFIG, deviceId, EventCodec.encode(config)));
    }

    private boolean servesConfigured(String deviceId) {
        return events(deviceId, DeviceEvent.PeerServerStarted.class).stream().anyMatch(started -> started.capacity() == 2);
    }

    private DeviceCommand.Upgrade upgrade(String deviceId, String subnet, Instant expiresAt) {
        DeviceCommand.Upgrade upgrade = new DeviceCommand.Upgrade(UUID.randomUUID(), deviceId, subnet, Instant.now(),
                "partition-rollout", "base-system", "12.7.4", FleetProfile.SEED_MANIFEST.manifestSha256(),
                SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/unused", 1, TestReleaseKey.sign(FleetProfile.SEED_MANIFEST),
                expiresAt);
        producer.send(new ProducerRecord<>(Topics.DEVICE_COMMANDS, subnet, EventCodec.encode(upgrade)));
        return upgrade;
    }

    @Test
    void aCutSubnetWaitsWholeAndInOrderWhileTheOtherGoesOn() throws Exception {
        await().atMost(60, TimeUnit.SECONDS).until(() -> events().stream().map(DeviceEvent::deviceId).distinct().count() == 10);
        configurePeer("s1-d01");
        configurePeer("s2-d01");
        // The peers serve as provisioned (one slot) from the start: only a server with the configured two slots
        // shows the configuration was applied, so that it is not among the messages the cut holds.
        await().atMost(60, TimeUnit.SECONDS).until(() -> servesConfigured("s1-d01") && servesConfigured("s2-d01"));

        String until = asAdmin().contentType("application/json")
                .body(Map.of("subnet", SUBNET_1, "seconds", CUT_SECONDS)).post("/api/fleet/partitions")
                .then().statusCode(200).body("subnet", equalTo(SUBNET_1)).extract().path("until");
        Instant healAt = Instant.parse(until);
        // When the cut began on the server, not when this test sent the request: under load, the announces of the
        // seconds the POST took still reach the topic, as they should.
        Instant cutAt = healAt.minusSeconds(CUT_SECONDS);
        DeviceCommand.Upgrade waits = upgrade("s1-d04", SUBNET_1, null);
        DeviceCommand.Upgrade expires = upgrade("s1-d05", SUBNET_1, Instant.now().plusSeconds(2));
        upgrade("s2-d04", SUBNET_2, null);

        // The other subnet goes on: its device upgrades from its peer while subnet 1 is still cut off.
        await().atMost(CUT_SECONDS - 3, TimeUnit.SECONDS)
                .until(() -> !events("s2-d04", DeviceEvent.UpgradeCompleted.class).isEmpty());
        asAdmin().get("/api/fleet/partitions").then().statusCode(200).body("$", hasSize(1))
                .body("[0].subnet", equalTo(SUBNET_1)).body("[0].heldMessages", equalTo(2));
        assertThat((Integer) asAdmin().get("/api/fleet/partitions").then().extract().path("[0].waitingEvents"))
                .as("subnet 1 announces every second; its events wait in its lane").isPositive();
        // Its repository is unreachable; subnet 2's is not.
        AtomicInteger repositoryRequests = new AtomicInteger();
        HttpServer repository = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        repository.createContext("/", exchange -> {
            repositoryRequests.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        repository.start();
        try {
            Source wan = Source.repository("http://127.0.0.1:" + repository.getAddress().getPort() + "/api/apps");
            Throwable cutOff = devices.payloads().get(wan, wan.manifestUrl("base-system", "12.7.4"), "s1-d04")
                    .toCompletionStage().handle((ok, failure) -> failure).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(cutOff).isInstanceOf(ConnectException.class).hasMessageContaining("cut off");
            assertThat(repositoryRequests).as("nothing of the cut-off subnet reaches the repository").hasValue(0);
            Throwable connected = devices.payloads().get(wan, wan.manifestUrl("base-system", "12.7.4"), "s2-d04")
                    .toCompletionStage().handle((ok, failure) -> failure).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(connected).hasMessageContaining("answered 404");
            assertThat(repositoryRequests).hasValue(1);
        } finally {
            repository.stop(0);
        }
        Instant checkedAt = Instant.now();
        events();
        assertThat(current()).as("no event of subnet 1 emitted during the cut reached the topic before the heal")
                .filteredOn(s -> s.event().subnet().equals(SUBNET_1) && s.event().occurredAt().isAfter(cutAt.plusSeconds(1)))
                .isEmpty();
        assertThat(checkedAt).as("the checks ran inside the cut").isBefore(healAt);

        // The heal: the command that waited arrives and runs, the expired one does not.
        await().atMost(60, TimeUnit.SECONDS).until(() -> !events("s1-d04", DeviceEvent.UpgradeCompleted.class).isEmpty());
        asAdmin().get("/api/fleet/partitions").then().statusCode(200).body("$", hasSize(0));
        assertThat(events("s1-d04", DeviceEvent.DownloadStarted.class)).singleElement().satisfies(started -> {
            assertThat(started.commandId()).isEqualTo(waits.commandId());
            assertThat(started.occurredAt()).as("handed over at the heal").isAfterOrEqualTo(healAt.minusMillis(100));
        });
        // An announce of every device after the heal is the barrier: what the expired command did would be before it.
        Instant healed = Instant.now();
        await().atMost(30, TimeUnit.SECONDS).until(() -> List.of("s1-d05", "s1-d01").stream().allMatch(device ->
                events(device, DeviceEvent.DeviceAnnounced.class).stream().anyMatch(a -> a.occurredAt().isAfter(healed))));
        assertThat(events()).as("the command that expired during the cut was not run")
                .noneMatch(e -> e instanceof DeviceEvent.Answer answer && answer.commandId().equals(expires.commandId()));
        asViewer().get("/api/devices/s1-d05").then().statusCode(200).body("osVersion", equalTo("11.11.150"));

        List<Seen> cutSubnet = current().stream().filter(s -> s.event().subnet().equals(SUBNET_1)).toList();
        assertThat(cutSubnet).as("subnet 1's events emitted during the cut arrived after it")
                .filteredOn(s -> s.event().occurredAt().isAfter(cutAt.plusSeconds(1))
                        && s.event().occurredAt().isBefore(healAt.minusSeconds(1)))
                .isNotEmpty().allSatisfy(s -> assertThat(s.at()).isAfter(healAt.minusMillis(500)));
        for (String device : List.of("s1-d01", "s1-d04", "s1-d05", "s2-d01", "s2-d04", "s2-d05")) {
            List<Long> seqs = events().stream().filter(e -> e.deviceId().equals(device)).map(DeviceEvent::seq).toList();
            assertThat(seqs).as(device + ": every seq, in order, none twice").containsExactlyElementsOf(
                    LongStream.rangeClosed(seqs.get(0), seqs.get(0) + seqs.size() - 1).boxed().toList());
            assertThat(seqs.get(0)).as(device + " from its first").isEqualTo(1);
        }
    }

    @Test
    void onlyAnAdminCutsOnlyAHostedSubnetForSensibleSeconds() {
        asOperator().contentType("application/json").body(Map.of("subnet", SUBNET_1, "seconds", 5))
                .post("/api/fleet/partitions").then().statusCode(403);
        asAdmin().contentType("application/json").body(Map.of("subnet", "127.10.9.0/24", "seconds", 5))
                .post("/api/fleet/partitions").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("hosts no device in subnet 127.10.9.0/24"));
        for (int seconds : new int[]{0, -3, 3601}) {
            asAdmin().contentType("application/json").body(Map.of("subnet", SUBNET_1, "seconds", seconds))
                    .post("/api/fleet/partitions").then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("seconds must be 1..3600, got " + seconds));
        }
        asAdmin().contentType("application/json").body(Map.of("subnet", "127.10.1.7/24", "seconds", 5))
                .post("/api/fleet/partitions").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("host bits"));
        asAdmin().contentType("application/json").body(Map.of("seconds", 5))
                .post("/api/fleet/partitions").then().statusCode(400).contentType("application/problem+json");
        asAdmin().get("/api/fleet/partitions").then().statusCode(200).body("$", hasSize(0));
    }
}
