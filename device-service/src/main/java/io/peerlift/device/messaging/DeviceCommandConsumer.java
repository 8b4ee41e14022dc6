package io.peerlift.device.messaging;

import io.peerlift.device.service.DeviceHost;
import io.peerlift.events.EventCodec;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Commands from {@code peerlift.device-commands}; only hosted devices act on them. A record that does not decode
 * throws and goes to the dead-letter topic (failure-strategy in application.properties).
 */
@ApplicationScoped
public class DeviceCommandConsumer {

    @Inject
    DeviceHost host;

    @Incoming("device-commands")
    @Blocking(ordered = true)
    public void consume(String json) {
        host.accept(EventCodec.decodeCommand(json));
    }
}
