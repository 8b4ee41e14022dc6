package io.peerlift.device.messaging;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.gateway.CommandCursor;
import io.peerlift.device.service.DeviceGateway;
import io.peerlift.device.service.DeviceHost;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.EventCodec;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Commands from {@code peerlift.device-commands}: a fleet acts on those of its devices, a gateway holds each for
 * its device. A record that does not decode throws and goes to the dead-letter topic (failure-strategy in
 * application.properties). An agent reads no topic (its channels are disabled, see {@code ModeChannels}).
 */
@ApplicationScoped
public class DeviceCommandConsumer {

    private final DeviceServiceConfig config;
    private final Instance<DeviceHost> host;
    private final Instance<DeviceGateway> gateway;

    DeviceCommandConsumer(DeviceServiceConfig config, Instance<DeviceHost> host, Instance<DeviceGateway> gateway) {
        this.config = config;
        this.host = host;
        this.gateway = gateway;
    }

    @Incoming("device-commands")
    @Blocking(ordered = true)
    public void consume(ConsumerRecord<String, String> record) {
        DeviceCommand command = EventCodec.decodeCommand(record.value());
        if (config.mode() == DeviceServiceConfig.Mode.GATEWAY) {
            gateway.get().command(command, new CommandCursor(record.partition(), record.offset()));
        } else {
            host.get().accept(command);
        }
    }
}
