package io.peerlift.profile.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.profile.service.InventoryService;
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

/**
 * Keeps the inventory current from {@code peerlift.device-events}, a poll at a time: the events of a poll are
 * applied in one transaction (retried while it fails for a reason that may pass). Idempotent: the inventory
 * applies an event only when its seq is above the device's last applied one. A record that cannot be decoded
 * is nacked alone, and the channel's failure strategy sends it to the dead-letter topic; when a whole poll
 * still fails, its records are applied one by one, so that only a record that fails on its own is parked and
 * none blocks the subnet's partition.
 */
@ApplicationScoped
public class DeviceEventConsumer {

    private static final Logger LOG = Logger.getLogger(DeviceEventConsumer.class);

    private final InventoryService inventory;
    private final MeterRegistry meters;

    DeviceEventConsumer(InventoryService inventory, MeterRegistry meters) {
        this.inventory = inventory;
        this.meters = meters;
    }

    @Incoming("device-events")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, String> poll) {
        List<CompletionStage<Void>> acks = new ArrayList<>();
        List<KafkaRecord<String, String>> decoded = new ArrayList<>();
        List<DeviceEvent> events = new ArrayList<>();
        for (KafkaRecord<String, String> record : poll.getRecords()) {
            try {
                events.add(EventCodec.decodeEvent(record.getPayload()));
                decoded.add(record);
            } catch (RuntimeException malformed) {
                acks.add(deadLetter(record, malformed));
            }
        }
        try {
            count(inventory.apply(events));
            decoded.forEach(record -> acks.add(record.ack()));
        } catch (RuntimeException pollFailed) {
            LOG.warnf(pollFailed, "applying a poll of %d events failed; applying them one by one", events.size());
            for (int i = 0; i < events.size(); i++) {
                try {
                    count(inventory.apply(List.of(events.get(i))));
                    acks.add(decoded.get(i).ack());
                } catch (RuntimeException eventFailed) {
                    acks.add(deadLetter(decoded.get(i), eventFailed));
                }
            }
        }
        return CompletableFuture.allOf(acks.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Void> deadLetter(KafkaRecord<String, String> record, Throwable why) {
        count("dead-lettered", 1);
        return record.nack(why);
    }

    private void count(InventoryService.Applied applied) {
        count("applied", applied.applied());
        count("skipped", applied.skipped());
    }

    /** applied, skipped (a re-delivery, or an event the inventory does not need) or dead-lettered. */
    private void count(String outcome, int events) {
        if (events > 0) {
            meters.counter("peerlift.profile.device_events", "outcome", outcome).increment(events);
        }
    }
}
