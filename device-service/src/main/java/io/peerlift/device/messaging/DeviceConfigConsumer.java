package io.peerlift.device.messaging;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.service.DeviceGateway;
import io.peerlift.device.service.DeviceHost;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.EventCodec;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Effective configurations from the compacted {@code peerlift.device-config}, read from the earliest offset so a
 * device always starts from its latest configuration: applied by a fleet's devices, held by a gateway for its
 * agents. Tombstones (deleted keys) carry no configuration to apply.
 */
@ApplicationScoped
public class DeviceConfigConsumer {

    private final DeviceServiceConfig config;
    private final Instance<DeviceHost> host;
    private final Instance<DeviceGateway> gateway;

    DeviceConfigConsumer(DeviceServiceConfig config, Instance<DeviceHost> host, Instance<DeviceGateway> gateway) {
        this.config = config;
        this.host = host;
        this.gateway = gateway;
    }

    @Incoming("device-config")
    @Blocking(ordered = true)
    public void consume(String json) {
        if (json == null) {
            return;
        }
        DeviceConfig deviceConfig = EventCodec.decode(json, DeviceConfig.class);
        if (config.mode() == DeviceServiceConfig.Mode.GATEWAY) {
            gateway.get().config(deviceConfig);
        } else {
            host.get().accept(deviceConfig);
        }
    }
}
