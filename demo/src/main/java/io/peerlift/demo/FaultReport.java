package io.peerlift.demo;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a fault cost, read from the topics after the rollout: the Upgrades each device got, the installs each
 * finished, the events lost (gaps in a device's seq within one epoch) and the records on the dead-letter topics.
 * <p>
 * A device reserves its seqs in blocks of {@link #SEQ_BLOCK} and, after a restart, goes on after the block it had
 * reserved, with its announce (the first event of every run): a jump to the first seq of a block that an announce
 * holds is that, not a loss. Any other gap is.
 */
record FaultReport(String fault, String rolloutState, int upgraded, int devices, int mostUpgradesPerDevice,
                   int mostInstallsPerDevice, long eventsLost, long deadLetters, double secondsToRecovery) {

    static final long SEQ_BLOCK = 64;

    static FaultReport read(String bootstrapServers, String fault, RolloutWatcher.Progress progress,
                            double secondsToRecovery) {
        var counts = progress.summary().deviceCounts();
        int devices = counts.entrySet().stream().filter(e -> !e.getKey().equals("INELIGIBLE")
                && !e.getKey().equals("CURRENT")).mapToInt(Map.Entry::getValue).sum();
        Map<String, Integer> upgrades = new HashMap<>();
        for (String value : values(bootstrapServers, Topics.DEVICE_COMMANDS)) {
            if (EventCodec.decodeCommand(value) instanceof DeviceCommand.Upgrade upgrade
                    && upgrade.rolloutId().equals(progress.summary().rolloutId())) {
                upgrades.merge(upgrade.deviceId(), 1, Integer::sum);
            }
        }
        Map<String, TreeMap<Long, Boolean>> seqs = new HashMap<>();
        // Installs a device finished (each once: delivery is at least once), whatever command or rollout caused them.
        Map<String, Set<String>> installs = new HashMap<>();
        for (String value : values(bootstrapServers, Topics.DEVICE_EVENTS)) {
            DeviceEvent event = EventCodec.decodeEvent(value);
            String incarnation = event.deviceId() + "@" + event.epoch();
            seqs.computeIfAbsent(incarnation, k -> new TreeMap<>())
                    .put(event.seq(), event instanceof DeviceEvent.DeviceAnnounced);
            if (event instanceof DeviceEvent.UpgradeCompleted) {
                installs.computeIfAbsent(event.deviceId(), k -> new HashSet<>()).add(incarnation + "#" + event.seq());
            }
        }
        long lost = seqs.values().stream().mapToLong(FaultReport::lost).sum();
        long deadLetters = 0;
        for (String topic : Topics.all()) {
            deadLetters += values(bootstrapServers, Topics.deadLetterOf(topic)).size();
        }
        return new FaultReport(fault, progress.summary().state(), counts.getOrDefault("UPGRADED", 0), devices,
                upgrades.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                installs.values().stream().mapToInt(Set::size).max().orElse(0), lost, deadLetters,
                secondsToRecovery);
    }

    /**
     * The seqs missing from one incarnation's stream (seq to whether its event is an announce), the ends of
     * reserved blocks left by a restart excepted.
     */
    static long lost(SortedMap<Long, Boolean> seqs) {
        long lost = 0;
        long previous = 0;
        for (var event : seqs.entrySet()) {
            long seq = event.getKey();
            boolean restarted = event.getValue() && (seq - 1) % SEQ_BLOCK == 0;
            if (seq > previous + 1 && !restarted) {
                lost += seq - previous - 1;
            }
            previous = seq;
        }
        return lost;
    }

    private static List<String> values(String bootstrapServers, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "peerlift-fault-report-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        values.add(record.value());
                    }
                }
            }
        }
        return values;
    }
}
