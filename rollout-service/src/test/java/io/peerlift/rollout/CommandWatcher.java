package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads a topic of the real broker from its beginning, as a device fleet would, and keeps every record:
 * what the service really published, including anything it published twice.
 */
final class CommandWatcher implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    CommandWatcher(String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RolloutFixtures.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-watcher-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        poller = new Thread(this::poll, "watcher-" + topic);
        poller.setDaemon(true);
        poller.start();
    }

    static CommandWatcher commands() {
        return new CommandWatcher(Topics.DEVICE_COMMANDS);
    }

    private void poll() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        } catch (WakeupException stopping) {
            // close() woke the poller.
        } finally {
            consumer.close();
        }
    }

    List<ConsumerRecord<String, String>> records() {
        return List.copyOf(records);
    }

    List<DeviceCommand.Upgrade> upgrades(String rolloutId) {
        return commands(rolloutId, DeviceCommand.Upgrade.class);
    }

    List<DeviceCommand.Cancel> cancels(String rolloutId) {
        return commands(rolloutId, DeviceCommand.Cancel.class);
    }

    private <T extends DeviceCommand> List<T> commands(String rolloutId, Class<T> type) {
        return records.stream()
                .map(r -> EventCodec.decodeCommand(r.value()))
                .filter(c -> rolloutId.equals(c.rolloutId()))
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    List<String> upgradedDeviceIds(String rolloutId) {
        return upgrades(rolloutId).stream().map(DeviceCommand::deviceId).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(5000);
    }
}
