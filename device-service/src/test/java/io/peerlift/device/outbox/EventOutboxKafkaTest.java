package io.peerlift.device.outbox;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalKafka;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event outbox against a real broker that goes away: what the devices emit meanwhile waits on disk, survives
 * a restart of the process, and reaches the topic once the broker is back, every seq, in order. And a fleet's
 * lanes of it, one per subnet: one held while the others flow, and an earlier version's single outbox first.
 */
class EventOutboxKafkaTest {

    private static final String SUBNET = "127.10.9.0/24";
    private static final String OTHER_SUBNET = "127.10.8.0/24";

    @TempDir
    Path work;

    private LocalKafka kafka;
    private Vertx vertx;
    private KafkaProducer<String, String> producer;
    private final String device = "outbox-" + UUID.randomUUID().toString().substring(0, 8);
    private long seq;

    @BeforeEach
    void startBroker() throws Exception {
        kafka = new LocalKafka(work.resolve("kafka"), 0).start();
        vertx = Vertx.vertx();
        // Fails a send within seconds while the broker is away, as the service's producer does within its own
        // delivery timeout.
        producer = newProducer();
    }

    private KafkaProducer<String, String> newProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000),
                new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void stop() {
        producer.close(Duration.ofSeconds(2));
        vertx.close();
        kafka.close();
    }

    @Test
    void eventsEmittedWhileTheBrokerIsAwayWaitOnDiskAcrossARestartAndArriveWholeAndInOrder() throws Exception {
        Path dir = work.resolve("device");
        EventOutbox outbox = new EventOutbox(vertx, dir, 80, 10, this::deliver);
        for (int i = 0; i < 20; i++) {
            outbox.publish(next());
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> outbox.size() == 0);

        kafka.close();
        for (int i = 0; i < 60; i++) {
            outbox.publish(next());
        }
        // Well past the producer's delivery timeout: nothing is lost, everything still waits.
        Thread.sleep(6_000);
        assertThat(outbox.size()).isEqualTo(60);
        assertThat(outbox.hasRoom()).isTrue();
        for (int i = 0; i < 20; i++) {
            outbox.publish(next());
        }
        assertThat(outbox.hasRoom()).as("at its bound the outbox refuses new work, it drops nothing").isFalse();

        // The process dies with the broker still away, its producer with it (what it still held is gone); the next
        // process finds the events on disk.
        outbox.stop();
        producer.close(Duration.ZERO);
        producer = newProducer();
        EventOutbox restarted = new EventOutbox(vertx, dir, 80, 10, this::deliver);
        assertThat(restarted.size()).isEqualTo(80);
        kafka.start();
        await().atMost(90, TimeUnit.SECONDS).until(() -> restarted.size() == 0);

        List<Long> seqs = consumedSeqs(100);
        Set<Long> firstSeen = new LinkedHashSet<>(seqs);
        assertThat(firstSeen).as("every seq, each first seen in order (a batch sent again is a duplicate)")
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
    }

    @Test
    void anEventDeliveredIsNotSentAgainAfterARestart() throws Exception {
        Path dir = work.resolve("device");
        EventOutbox outbox = new EventOutbox(vertx, dir, 80, 10, this::deliver);
        for (int i = 0; i < 25; i++) {
            outbox.publish(next());
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> outbox.size() == 0);
        outbox.stop();

        assertThat(new EventOutbox(vertx, dir, 80, 10, this::deliver).size()).isZero();
    }

    @Test
    void aFleetsSingleOutboxIsDeliveredBeforeItsSubnetLanesThenRemoved() throws Exception {
        Path dir = work.resolve("fleet");
        kafka.close();
        // An earlier version's fleet kept one outbox for every subnet; it stopped with 30 events undelivered.
        EventOutbox single = new EventOutbox(vertx, dir, 80, 10, this::deliver);
        for (int i = 0; i < 30; i++) {
            single.publish(next());
        }
        single.stop();
        producer.close(Duration.ZERO);
        producer = newProducer();

        SubnetLanes lanes = new SubnetLanes(vertx, dir, 80, 10, this::deliver);
        for (int i = 0; i < 20; i++) {
            lanes.publish(next());
        }
        kafka.start();
        await().atMost(90, TimeUnit.SECONDS).until(() -> lanes.waiting(SUBNET) == 0
                && !Files.exists(dir.resolve("events.outbox")));

        assertThat(new LinkedHashSet<>(consumedSeqs(device, 50))).as("the old outbox first, then the lane, every seq")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(dir.resolve("events.outbox.delivered")).doesNotExist();
        assertThat(dir.resolve("subnets/127.10.9.0_24/events.outbox")).exists();
    }

    @Test
    void aHeldLaneWaitsWhileTheOthersFlowAndSendsAtOnceWhenReleased() throws Exception {
        SubnetLanes lanes = new SubnetLanes(vertx, work.resolve("fleet"), 80, 10, this::deliver);
        String other = "other-" + device;
        lanes.hold(SUBNET);
        for (int i = 1; i <= 15; i++) {
            lanes.publish(next());
            lanes.publish(new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), other, OTHER_SUBNET, Instant.now(), i, 1,
                    "127.10.8.5", "11.11.150", List.of(), PeerServerState.stopped(22335)));
        }
        assertThat(consumedSeqs(other, 15)).containsExactlyElementsOf(LongStream.rangeClosed(1, 15).boxed().toList());
        assertThat(lanes.waiting(SUBNET)).as("the held subnet's events wait").isEqualTo(15);

        long released = System.nanoTime();
        lanes.release(SUBNET);
        await().atMost(10, TimeUnit.SECONDS).until(() -> lanes.waiting(SUBNET) == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - released)).as("no failure backoff after the release")
                .isLessThan(Duration.ofSeconds(3));
        assertThat(consumedSeqs(device, 15)).containsExactlyElementsOf(LongStream.rangeClosed(1, 15).boxed().toList());
    }

    private DeviceEvent next() {
        return new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), device, SUBNET, Instant.now(), ++seq, 1,
                "127.10.9.5", "11.11.150", List.of(), PeerServerState.stopped(22335));
    }

    /** As the service's emitter does: the producer (which blocks while the broker is away) off the event loop. */
    private Future<Void> deliver(List<DeviceEvent> batch) {
        return vertx.executeBlocking(() -> send(batch), false).compose(sent -> Future.join(sent).mapEmpty());
    }

    private List<Future<Void>> send(List<DeviceEvent> batch) {
        List<Future<Void>> sent = new ArrayList<>();
        for (DeviceEvent event : batch) {
            Promise<Void> acked = Promise.promise();
            producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, event.subnet(), EventCodec.encode(event)),
                    (metadata, failure) -> {
                        if (failure == null) {
                            acked.complete();
                        } else {
                            acked.fail(failure);
                        }
                    });
            sent.add(acked.future());
        }
        return sent;
    }

    private List<Long> consumedSeqs(int atLeast) {
        return consumedSeqs(device, atLeast);
    }

    private List<Long> consumedSeqs(String deviceId, int atLeast) {
        List<Long> seqs = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "outbox-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DEVICE_EVENTS));
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    DeviceEvent event = EventCodec.decodeEvent(r.value());
                    if (event.deviceId().equals(deviceId)) {
                        seqs.add(event.seq());
                    }
                });
                return new LinkedHashSet<>(seqs).size() >= atLeast;
            });
        }
        return seqs;
    }
}
