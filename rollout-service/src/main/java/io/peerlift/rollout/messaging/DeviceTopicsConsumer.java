package io.peerlift.rollout.messaging;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Subnet;
import io.peerlift.events.Topics;
import io.peerlift.rollout.service.DeviceConfigHandler;
import io.peerlift.rollout.service.DeviceEventHandler;
import io.peerlift.rollout.service.RolloutMetrics;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.function.BooleanSupplier;

/**
 * Consumes what the devices and profile-service say. Each record is applied in its own transaction; a record
 * that cannot be decoded or validated is nacked and parked on the topic's dead-letter topic
 * ({@code <topic>.dlq}) by the channel's failure strategy.
 */
@ApplicationScoped
public class DeviceTopicsConsumer {

    private final DeviceEventHandler events;
    private final DeviceConfigHandler configs;
    private final RolloutMetrics metrics;

    DeviceTopicsConsumer(DeviceEventHandler events, DeviceConfigHandler configs, RolloutMetrics metrics) {
        this.events = events;
        this.configs = configs;
        this.metrics = metrics;
    }

    /** Keyed by subnet: this replica sees the subnets of its partitions, each in order. */
    @Incoming("device-events")
    @Blocking
    public void deviceEvent(String json) {
        if (json == null) {
            return;
        }
        DeviceEvent event = EventCodec.decodeEvent(json);
        requireDevice(event.deviceId(), "device event " + event.eventId());
        Subnet.parse(event.subnet());
        apply(Topics.DEVICE_EVENTS, event.getClass().getSimpleName() + " " + event.eventId(),
                () -> events.handle(event));
    }

    /** Compacted and keyed by device id; a tombstone carries nothing to apply. */
    @Incoming("device-config")
    @Blocking
    public void deviceConfig(String json) {
        if (json == null) {
            return;
        }
        DeviceConfig config = EventCodec.decode(json, DeviceConfig.class);
        requireDevice(config.deviceId(), "device config " + config.eventId());
        apply(Topics.DEVICE_CONFIG, "config of " + config.deviceId() + " revision " + config.revision(),
                () -> configs.handle(config));
    }

    private void apply(String topic, String what, BooleanSupplier handler) {
        boolean applied = Retrying.run("applying " + what, handler);
        metrics.eventConsumed(topic, applied ? "applied" : "duplicate");
    }

    private static void requireDevice(String deviceId, String what) {
        if (deviceId == null || deviceId.isBlank()) {
            throw new IllegalArgumentException(what + " has no deviceId");
        }
    }
}
