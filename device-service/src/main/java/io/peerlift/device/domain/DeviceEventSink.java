package io.peerlift.device.domain;

import io.peerlift.events.DeviceEvent;

/** Where devices publish their events (the event outbox in the service, a list in tests). Called in seq order per device. */
@FunctionalInterface
public interface DeviceEventSink {
    void publish(DeviceEvent event);

    /** Whether the devices may start new work: false once the events waiting for delivery reached their bound. */
    default boolean hasRoom() {
        return true;
    }
}
