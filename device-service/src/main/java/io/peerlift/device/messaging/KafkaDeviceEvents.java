package io.peerlift.device.messaging;

import io.peerlift.device.domain.DeviceEventSink;
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

/** Publishes device events to {@code peerlift.device-events}, keyed by subnet so a subnet's events stay in order. */
@ApplicationScoped
public class KafkaDeviceEvents implements DeviceEventSink {

    private static final Logger LOG = Logger.getLogger(KafkaDeviceEvents.class);

    // A fleet publishes bursts (every device's progress); buffering beats dropping events of the contract.
    @Inject
    @Channel("device-events")
    @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER)
    Emitter<String> emitter;

    @Override
    public void publish(DeviceEvent event) {
        Message<String> message = Message.of(EventCodec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.subnet()).build())
                .withNack(failure -> {
                    LOG.errorf(failure, "event %s of %s (seq %d) was not published", event.getClass().getSimpleName(),
                            event.deviceId(), event.seq());
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
    }
}
