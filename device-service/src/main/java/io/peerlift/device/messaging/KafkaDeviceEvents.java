package io.peerlift.device.messaging;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes device events to {@code peerlift.device-events}, keyed by subnet so a subnet's events stay in order:
 * a fleet's own events, and in gateway mode those its agents post.
 */
@ApplicationScoped
public class KafkaDeviceEvents {

    private static final Logger LOG = Logger.getLogger(KafkaDeviceEvents.class);

    // A fleet publishes bursts (every device's progress); buffering beats dropping events of the contract.
    @Inject
    @Channel("device-events")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    Emitter<String> emitter;

    /** Publishes without waiting; a failure is logged (a fleet's events: the next heartbeat says it again). */
    public void publish(DeviceEvent event) {
        publishConfirmed(event).exceptionally(failure -> {
            LOG.errorf(failure, "event %s of %s (seq %d) was not published", event.getClass().getSimpleName(),
                    event.deviceId(), event.seq());
            return null;
        });
    }

    /** Completes once the broker acknowledged the event, fails when it would not take it. */
    public CompletionStage<Void> publishConfirmed(DeviceEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(EventCodec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.subnet()).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return acked;
    }
}
