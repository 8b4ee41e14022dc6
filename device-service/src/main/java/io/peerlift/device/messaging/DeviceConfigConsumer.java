package io.peerlift.device.messaging;

import io.peerlift.device.service.DeviceHost;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.EventCodec;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Effective configurations from the compacted {@code peerlift.device-config}, read from the earliest offset so a
 * device always starts from its latest configuration. Tombstones (deleted keys) carry no configuration to apply.
 */
@ApplicationScoped
public class DeviceConfigConsumer {

    @Inject
    DeviceHost host;

    @Incoming("device-config")
    @Blocking(ordered = true)
    public void consume(String json) {
        if (json != null) {
            host.accept(EventCodec.decode(json, DeviceConfig.class));
        }
    }
}
