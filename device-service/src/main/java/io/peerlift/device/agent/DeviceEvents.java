package io.peerlift.device.agent;

import io.peerlift.device.domain.DeviceEventSink;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.Subnet;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** One device's event stream: the common header, a seq that rises by one per event, and the sink it goes to. */
final class DeviceEvents {

    private static final Logger LOG = Logger.getLogger(DeviceEvents.class);

    /** Builds an event from its common header; lets each call site name only its own fields. */
    @FunctionalInterface
    interface Factory {
        DeviceEvent create(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq, long epoch);
    }

    private final String deviceId;
    private final String subnet;
    private final DeviceStateFile state;
    private final DeviceEventSink sink;
    private final Clock clock;

    DeviceEvents(String deviceId, Subnet subnet, DeviceStateFile state, DeviceEventSink sink, Clock clock) {
        this.deviceId = deviceId;
        this.subnet = subnet.toString();
        this.state = state;
        this.sink = sink;
        this.clock = clock;
    }

    /** Whether new work may start: the events waiting for delivery are below their bound. */
    boolean hasRoom() {
        return sink.hasRoom(subnet);
    }

    /** Publishes under this stream's lock, so seq order and publish order agree. */
    synchronized void emit(Factory factory) {
        DeviceEvent event = factory.create(UUID.randomUUID(), deviceId, subnet, clock.instant(), state.nextSeq(),
                state.epoch());
        try {
            sink.publish(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s could not publish %s", deviceId, event.getClass().getSimpleName());
        }
    }
}
