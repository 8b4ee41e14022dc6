package io.peerlift.profile;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DeviceEvent.DeviceAnnounced;
import io.peerlift.events.DeviceEvent.UpgradeCompleted;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Simulated devices for tests: each test gets its own subnet and device ids, so tests sharing the one broker and
 * database never see each other's devices. Events go through the real broker to the service's consumer.
 */
final class Fleet {

    private static final AtomicInteger SUBNETS = new AtomicInteger();
    private static KafkaProducer<String, String> producer;

    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final int subnetNumber = SUBNETS.incrementAndGet() % 250 + 1;

    String subnet() {
        return "10.77." + subnetNumber + ".0/24";
    }

    String ip(int host) {
        return "10.77." + subnetNumber + "." + host;
    }

    String id(String name) {
        return prefix + "-" + name;
    }

    DeviceAnnounced announced(String name, int host, String osVersion, long seq) {
        return announced(name, host, osVersion, seq, 1);
    }

    /** An announcement of the device's incarnation {@code epoch}. */
    DeviceAnnounced announced(String name, int host, String osVersion, long seq, long epoch) {
        return new DeviceAnnounced(UUID.randomUUID(), id(name), subnet(), Instant.now(), seq, epoch,
                ip(host), osVersion, List.of(),
                PeerServerState.stopped(SettingKeys.DEFAULT_PEER_SERVER_PORT));
    }

    UpgradeCompleted upgraded(String name, String newOsVersion, long seq) {
        return new UpgradeCompleted(UUID.randomUUID(), id(name), subnet(), Instant.now(), seq, 1, "rollout-1",
                UUID.randomUUID(), 1, "base_system", newOsVersion, newOsVersion, 2000, 5000);
    }

    /** Announces a device and waits until the inventory has it at this OS version; returns its id. */
    String join(String name, int host, String osVersion) {
        send(announced(name, host, osVersion, 1));
        awaitDevice(id(name), osVersion);
        return id(name);
    }

    static void awaitDevice(String deviceId, String osVersion) {
        await().untilAsserted(() -> asAdmin().get("/api/devices/{id}", deviceId)
                .then().statusCode(200).body("osVersion", equalTo(osVersion)));
    }

    void send(DeviceEvent event) {
        sendRaw(EventCodec.encode(event));
    }

    void sendRaw(String value) {
        sendRaw(Topics.DEVICE_EVENTS, value);
    }

    /** A record on {@code topic} (a dead-letter topic, say), keyed by the fleet's subnet. */
    void sendRaw(String topic, String value) {
        try {
            producer().send(new ProducerRecord<>(topic, subnet(), value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send to " + topic, e.getCause());
        }
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.shared().kafkaBootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        }
        return producer;
    }
}
