package io.peerlift.rollout.messaging;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Subnet;
import io.peerlift.events.Topics;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.facts.ConfigRecorder;
import io.peerlift.rollout.service.facts.ConfigRecorder.ConfigFact;
import io.peerlift.rollout.service.facts.ConfigRecorder.Configured;
import io.peerlift.rollout.service.facts.ConfigRecorder.Removed;
import io.peerlift.rollout.service.facts.EventRecorder;
import io.peerlift.support.messaging.PollConsumption;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Consumes what the devices and profile-service say, a poll at a time ({@link PollConsumption}): the records of
 * a poll (of a device-events poll: of each of its partitions) are recorded in one transaction, retried for as long as it fails for a reason that may pass (the
 * database or a lock: nothing is dead-lettered for that); a record that cannot be decoded or validated is parked
 * on the topic's dead-letter topic ({@code <topic>.dlq}).
 */
@ApplicationScoped
public class DeviceTopicsConsumer {

    private final EventRecorder events;
    private final ConfigRecorder configs;
    private final RolloutMetrics metrics;
    /** One thread per partition of a poll beyond the first, which the channel's own thread records. */
    private final ExecutorService partitionWorkers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "device-events-partition");
        thread.setDaemon(true);
        return thread;
    });

    DeviceTopicsConsumer(EventRecorder events, ConfigRecorder configs, RolloutMetrics metrics) {
        this.events = events;
        this.configs = configs;
        this.metrics = metrics;
    }

    /**
     * Keyed by subnet: this replica sees the subnets of its partitions, each in order. A subnet's events lock its
     * devices and its subnet rows only, so the partitions of a poll are recorded at the same time, each in a
     * transaction of its own (the smallrye channel hands this method one poll at a time, on one thread).
     */
    @Incoming("device-events")
    @Blocking
    public CompletionStage<Void> deviceEvents(KafkaRecordBatch<String, String> poll) {
        return PollConsumption.consumePerPartition(poll, partitionWorkers, DeviceTopicsConsumer::decodeEvent,
                events::record, rejected -> metrics.consumed(Topics.DEVICE_EVENTS, "dead-lettered", 1));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        partitionWorkers.shutdown();
    }

    /** Compacted and keyed by device id; a tombstone (no value) says the device was deleted. */
    @Incoming("device-config")
    @Blocking
    public CompletionStage<Void> deviceConfigs(KafkaRecordBatch<String, String> poll) {
        return PollConsumption.consume(poll, DeviceTopicsConsumer::decodeConfig, configs::record,
                rejected -> metrics.consumed(Topics.DEVICE_CONFIG, "dead-lettered", 1));
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
