package io.peerlift.device.domain;

import io.peerlift.events.DeviceEvent;

/** Where devices publish their events (the event outbox in the service, a list in tests). Called in seq order per device. */
@FunctionalInterface
public interface DeviceEventSink {
    void publish(DeviceEvent event);

    /**
     * Whether the devices of {@code subnet} may start new work: false once the events waiting for delivery (theirs,
     * or all the sink holds when it keeps one log) reached their bound.
     */
    default boolean hasRoom(String subnet) {
        return true;
    }
}
