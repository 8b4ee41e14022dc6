package io.peerlift.rollout.messaging;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Subnet;
import io.peerlift.rollout.service.facts.ConfigRecorder;
import io.peerlift.rollout.service.facts.ConfigRecorder.ConfigFact;
import io.peerlift.rollout.service.facts.ConfigRecorder.Configured;
import io.peerlift.rollout.service.facts.ConfigRecorder.Removed;
import io.peerlift.rollout.service.facts.EventRecorder;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Consumes what the devices and profile-service say, a poll at a time: the records of a poll are recorded in
 * one transaction (retried while it fails for a reason that may pass). A record that cannot be decoded or
 * validated is nacked alone and parked on the topic's dead-letter topic ({@code <topic>.dlq}) by the channel's
 * failure strategy; when a whole poll still fails, its records are recorded one by one, so that only a record
 * that fails on its own is parked.
 */
@ApplicationScoped
public class DeviceTopicsConsumer {

    private static final Logger LOG = Logger.getLogger(DeviceTopicsConsumer.class);

    private final EventRecorder events;
    private final ConfigRecorder configs;

    DeviceTopicsConsumer(EventRecorder events, ConfigRecorder configs) {
        this.events = events;
        this.configs = configs;
    }

    /** Keyed by subnet: this replica sees the subnets of its partitions, each in order. */
    @Incoming("device-events")
    @Blocking
    public CompletionStage<Void> deviceEvents(KafkaRecordBatch<String, String> poll) {
        return consume(poll, DeviceTopicsConsumer::decodeEvent, events::record);
    }

    /** Compacted and keyed by device id; a tombstone (no value) says the device was deleted. */
    @Incoming("device-config")
    @Blocking
    public CompletionStage<Void> deviceConfigs(KafkaRecordBatch<String, String> poll) {
        return consume(poll, DeviceTopicsConsumer::decodeConfig, configs::record);
    }

    private static <T> CompletionStage<Void> consume(KafkaRecordBatch<String, String> poll,
                                                     Function<KafkaRecord<String, String>, T> decode,
                                                     Consumer<List<T>> record) {
        List<CompletionStage<Void>> acks = new ArrayList<>();
        List<KafkaRecord<String, String>> decoded = new ArrayList<>();
        List<T> values = new ArrayList<>();
        for (KafkaRecord<String, String> kafkaRecord : poll.getRecords()) {
            try {
                T value = decode.apply(kafkaRecord);
                if (value == null) {
                    acks.add(kafkaRecord.ack());
                    continue;
                }
                values.add(value);
                decoded.add(kafkaRecord);
            } catch (RuntimeException malformed) {
                acks.add(kafkaRecord.nack(malformed));
            }
        }
        try {
            if (!values.isEmpty()) {
                record.accept(values);
            }
            decoded.forEach(kafkaRecord -> acks.add(kafkaRecord.ack()));
        } catch (RuntimeException pollFailed) {
            LOG.warnf(pollFailed, "recording a poll of %d records failed; recording them one by one", values.size());
            for (int i = 0; i < values.size(); i++) {
                try {
                    record.accept(List.of(values.get(i)));
                    acks.add(decoded.get(i).ack());
                } catch (RuntimeException recordFailed) {
                    acks.add(decoded.get(i).nack(recordFailed));
                }
            }
        }
        return CompletableFuture.allOf(acks.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    /** An event, or null for a record without value (nothing was said). */
    private static DeviceEvent decodeEvent(KafkaRecord<String, String> kafkaRecord) {
        if (kafkaRecord.getPayload() == null) {
            return null;
        }
        DeviceEvent event = EventCodec.decodeEvent(kafkaRecord.getPayload());
        requireDevice(event.deviceId(), "device event " + event.eventId());
        Subnet.parse(event.subnet());
        return event;
    }

    private static ConfigFact decodeConfig(KafkaRecord<String, String> kafkaRecord) {
        if (kafkaRecord.getPayload() == null) {
            requireDevice(kafkaRecord.getKey(), "a device config tombstone");
            return new Removed(kafkaRecord.getKey());
        }
        DeviceConfig config = EventCodec.decode(kafkaRecord.getPayload(), DeviceConfig.class);
        requireDevice(config.deviceId(), "device config " + config.eventId());
        return new Configured(config);
    }

    private static void requireDevice(String deviceId, String what) {
        if (deviceId == null || deviceId.isBlank()) {
            throw new IllegalArgumentException(what + " has no deviceId");
        }
    }
}
