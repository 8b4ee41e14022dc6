package io.peerlift.demo;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows the rollouts on {@link Topics#ROLLOUT_STATUS}, the same feed the dashboard reads, keeping the newest
 * record of each key: a rollout's summary and each of its subnets (a record is complete for its key, so the
 * newest is all there is to know).
 */
final class RolloutWatcher implements AutoCloseable {

    /** A rollout as of its newest records. */
    record Progress(RolloutStatus.Summary summary, List<RolloutStatus.SubnetStatus> subnets) {
    }

    /** The newest record per key: the rollout may publish before the demo learns its id. */
    private final Map<String, RolloutStatus> latest = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    RolloutWatcher(String bootstrapServers) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "peerlift-demo-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
        consumer.subscribe(List.of(Topics.ROLLOUT_STATUS));
        poller = new Thread(() -> poll(consumer), "rollout-status-watcher");
        poller.setDaemon(true);
        poller.start();
    }

    /** The rollout's newest summary and subnets, null before its first summary. */
    Progress latest(String rolloutId) {
        if (!(latest.get(rolloutId) instanceof RolloutStatus.Summary summary)) {
            return null;
        }
        List<RolloutStatus.SubnetStatus> subnets = latest.values().stream()
                .filter(r -> r instanceof RolloutStatus.SubnetStatus s && s.rolloutId().equals(rolloutId))
                .map(RolloutStatus.SubnetStatus.class::cast)
                .sorted(Comparator.comparing(RolloutStatus.SubnetStatus::subnet))
                .toList();
        return new Progress(summary, subnets);
    }

    private void poll(KafkaConsumer<String, String> consumer) {
        try (consumer) {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                    if (record.key() != null && record.value() != null) {
                        RolloutStatus status = EventCodec.decode(record.value(), RolloutStatus.class);
                        latest.merge(record.key(), status, (old, now) -> now.version() >= old.version() ? now : old);
                    }
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5_000);
    }
}
