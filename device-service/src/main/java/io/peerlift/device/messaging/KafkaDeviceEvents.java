package io.peerlift.device.messaging;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Publishes device events to {@code peerlift.device-events}, keyed by subnet so a subnet's events stay in order:
 * a fleet's own events, and in gateway mode those its agents post.
 */
@ApplicationScoped
public class KafkaDeviceEvents {

    private static final Logger LOG = Logger.getLogger(KafkaDeviceEvents.class);

    // What waits is bounded elsewhere: a fleet sends one batch of its event outbox at a time, a gateway what its
    // agents posted (each post waits for its acknowledgement).
    @Inject
    @Channel("device-events")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    Emitter<String> emitter;

    /** Publishes a batch in order; completes once the broker acknowledged all of it, fails if it refused one. */
    public Future<Void> publishAll(List<DeviceEvent> events) {
        // Settled only once every event is (join, not all): a retry never overlaps what this attempt still sends.
        return Future.join(events.stream().map(e -> Future.fromCompletionStage(publishConfirmed(e))).toList())
                .onFailure(failure -> LOG.debugf("a batch of %d device event(s) was not published: %s", events.size(),
                        failure.getMessage()))
                .mapEmpty();
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
