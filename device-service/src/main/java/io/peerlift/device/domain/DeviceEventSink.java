package io.peerlift.device.domain;

import io.peerlift.events.DeviceEvent;

/** Where devices publish their events (Kafka in the service, a list in tests). Called in seq order per device. */
@FunctionalInterface
public interface DeviceEventSink {
    void publish(DeviceEvent event);
}
