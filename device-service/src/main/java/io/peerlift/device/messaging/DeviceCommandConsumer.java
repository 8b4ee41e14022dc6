package io.peerlift.device.messaging;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.gateway.CommandCursor;
import io.peerlift.device.service.DeviceGateway;
import io.peerlift.device.service.DeviceHost;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.EventCodec;
import io.peerlift.support.messaging.PollConsumption;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Commands from {@code peerlift.device-commands}, a poll at a time ({@link PollConsumption}): a fleet acts on those
 * of its devices, a gateway holds each for its device. A record that does not decode is dead-lettered alone
 * (failure-strategy in application.properties). A poll costs one hop to a worker thread, not one per record: with
 * a record at a time, a fleet of 1,000 busy devices acted on 11 commands a second and its commands waited up to 28 s
 * on the topic. An agent reads no topic (its channels are disabled, see {@code ModeChannels}).
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

    /** A command and where it lies on the topic (a gateway's agents acknowledge up to there). */
    private record Located(DeviceCommand command, CommandCursor cursor) {
    }

    @Incoming("device-commands")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, String> poll) {
        return PollConsumption.consume(poll,
                record -> new Located(EventCodec.decodeCommand(record.getPayload()),
                        cursorOf(record)),
                this::actOn, rejected -> { });
    }

    private static CommandCursor cursorOf(KafkaRecord<String, String> record) {
        IncomingKafkaRecordMetadata<?, ?> on = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("a command without its place on the topic"));
        return new CommandCursor(on.getPartition(), on.getOffset());
    }

    private void actOn(List<Located> commands) {
        for (Located located : commands) {
            if (config.mode() == DeviceServiceConfig.Mode.GATEWAY) {
                gateway.get().command(located.command(), located.cursor());
            } else {
                host.get().accept(located.command());
            }
        }
    }
}
