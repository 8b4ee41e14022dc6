package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.EventCodec;
import io.peerlift.localstack.LocalStackTestResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads a topic from the beginning with a real consumer, as another service would. */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

    TopicReader(String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.shared().kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Every record read so far with this key, in the order of its partition. */
    List<ConsumerRecord<String, String>> recordsWithKey(String key) {
        return records(r -> key.equals(r.key()));
    }

    List<ConsumerRecord<String, String>> records(Predicate<ConsumerRecord<String, String>> filter) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.stream().filter(filter).toList();
    }

    /** The configurations published for a device so far, in publication order, without its tombstones. */
    List<DeviceConfig> configsOf(String deviceId) {
        return recordsWithKey(deviceId).stream().filter(r -> r.value() != null)
                .map(r -> EventCodec.decode(r.value(), DeviceConfig.class)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
