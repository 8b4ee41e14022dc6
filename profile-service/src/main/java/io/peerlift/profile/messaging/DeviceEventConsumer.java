package io.peerlift.profile.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.events.EventCodec;
import io.peerlift.profile.service.InventoryService;
import io.peerlift.support.messaging.PollConsumption;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.concurrent.CompletionStage;

/**
 * Keeps the inventory current from {@code peerlift.device-events}, a poll at a time ({@link PollConsumption}):
 * the events of a poll are applied in one transaction, retried for as long as it fails for a reason that may pass
 * (the database away is never a reason to dead-letter). Idempotent: the inventory applies an event only when it
 * follows the device's last applied (epoch, seq).
 */
@ApplicationScoped
public class DeviceEventConsumer {

    private final InventoryService inventory;
    private final MeterRegistry meters;

    DeviceEventConsumer(InventoryService inventory, MeterRegistry meters) {
        this.inventory = inventory;
        this.meters = meters;
    }

    @Incoming("device-events")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, String> poll) {
        return PollConsumption.consume(poll,
                record -> record.getPayload() == null ? null : EventCodec.decodeEvent(record.getPayload()),
                events -> count(inventory.apply(events)),
                rejected -> count("dead-lettered", 1));
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
