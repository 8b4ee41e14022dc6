package io.peerlift.profile.service;

import io.peerlift.events.Topics;
import io.peerlift.support.problem.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends the records parked on a dead-letter topic back to the topic they came from, key and value unchanged, so
 * that every consumer takes them again (each is idempotent, so a record some consumer had applied changes
 * nothing for it). Replays what the dead-letter topic holds when asked, once: how far replays went is the
 * committed offset of the group {@value #GROUP}, moved only after the source topic acknowledged the records. A
 * record that is still poison lands on the dead-letter topic again, as a new record.
 */
@ApplicationScoped
public class DeadLetterReplay {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplay.class);
    static final String GROUP = "peerlift-dead-letter-replay";
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final String bootstrapServers;

    DeadLetterReplay(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** What a replay did. */
    public record Replayed(String topic, String deadLetterTopic, int records) {
    }

    /** Replays the dead letters of {@code topic} (a topic of the contract, e.g. {@code peerlift.device-events}). */
    public synchronized Replayed replay(String topic) {
        if (!Topics.all().contains(topic)) {
            throw new NotFoundException("no dead-letter topic for '" + topic + "': the topics are " + Topics.all());
        }
        String deadLetters = Topics.deadLetterOf(topic);
        try (KafkaConsumer<String, String> consumer = consumer(); KafkaProducer<String, String> producer = producer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetters, LIMIT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, LIMIT);
            List<Future<?>> sent = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> replayedTo = new HashMap<>();
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, LIMIT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the dead-letter topic " + deadLetters + " was not read within " + LIMIT);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(partition)) {
                        continue; // dead-lettered after the replay began: the next replay takes it
                    }
                    sent.add(producer.send(new ProducerRecord<>(topic, record.key(), record.value())));
                    replayedTo.put(partition, new OffsetAndMetadata(record.offset() + 1));
                }
            }
            producer.flush();
            for (Future<?> acknowledged : sent) {
                acknowledged.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
            if (!replayedTo.isEmpty()) {
                consumer.commitSync(replayedTo, LIMIT);
            }
            LOG.infof("replayed %d record(s) of %s to %s", sent.size(), deadLetters, topic);
            return new Replayed(topic, deadLetters, sent.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying " + deadLetters, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not take the replay of " + deadLetters
                    + " (nothing is marked replayed; ask again)", e);
        }
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }
}
