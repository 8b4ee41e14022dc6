package io.peerlift.device.gateway;

import io.peerlift.events.DeviceCommand;

import java.util.List;

/** The bodies of the device gateway's API, shared by the gateway and the agents that call it. */
public final class GatewayApi {

    public static final String PATH = "/api/gateway/v1/devices";
    /** The longest a poll waits for something new. */
    public static final int MAX_WAIT_SECONDS = 60;
    /** The most events one POST may carry. */
    public static final int MAX_EVENTS_PER_POST = 500;

    private GatewayApi() {
    }

    /** A command and its cursor: pass the cursor of the last command taken as {@code after} in the next poll. */
    public record Delivery(String cursor, DeviceCommand command) {
    }

    /** The device's commands after the cursor it sent, oldest first; {@code cursor} is the last one's (or the one sent). */
    public record CommandBatch(List<Delivery> commands, String cursor) {
        public CommandBatch {
            commands = commands == null ? List.of() : List.copyOf(commands);
        }
    }

    /** How many of the posted events the broker acknowledged: all of them, or the POST failed. */
    public record Accepted(int events) {
    }
}
