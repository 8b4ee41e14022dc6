package io.peerlift.rollout;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/** Publishes to {@code peerlift.rollout-status} of the test's local stack as a rollout-service does: keyed by what a record describes. */
final class RolloutStatusProducer implements AutoCloseable {

    private final KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.shared().kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());

    /** Sends {@code status} and waits until the broker has it. */
    void publish(RolloutStatus status) throws ExecutionException, InterruptedException {
        publishRaw(status.key(), EventCodec.encode(status));
    }

    /** Sends every record and waits until the broker has them all. */
    void publishAll(List<? extends RolloutStatus> statuses) throws ExecutionException, InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (RolloutStatus status : statuses) {
            sent.add(producer.send(new ProducerRecord<>(Topics.ROLLOUT_STATUS, status.key(), EventCodec.encode(status))));
        }
        for (Future<RecordMetadata> ack : sent) {
            ack.get();
        }
    }

    /** Sends any value, such as one that is not a valid snapshot. */
    void publishRaw(String key, String value) throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(Topics.ROLLOUT_STATUS, key, value)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
