package io.peerlift.device.messaging;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.service.DeviceGateway;
import io.peerlift.device.service.DeviceHost;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.EventCodec;
import io.peerlift.support.messaging.PollConsumption;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;
import java.util.concurrent.CompletionStage;

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
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, String> poll) {
        return PollConsumption.consume(poll,
                record -> record.getPayload() == null ? null : EventCodec.decode(record.getPayload(), DeviceConfig.class),
                this::apply, rejected -> { });
    }

    private void apply(List<DeviceConfig> configs) {
        for (DeviceConfig deviceConfig : configs) {
            if (config.mode() == DeviceServiceConfig.Mode.GATEWAY) {
                gateway.get().config(deviceConfig);
            } else {
                host.get().accept(deviceConfig);
            }
        }
    }
}
