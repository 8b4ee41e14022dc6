package io.peerlift.device.gateway;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a command sits in {@code peerlift.device-commands}: its partition and offset, written {@code p-o}. Commands
 * are keyed by subnet, so all of a device's commands are in one partition in offset order, and the cursor of the
 * last command a device took tells the gateway everything it has (an ack); a gateway that restarted and re-read
 * the topic hands the device only what lies after it.
 */
public record CommandCursor(int partition, long offset) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})-(\\d{1,18})");

    /** @throws IllegalArgumentException naming the expected form */
    public static CommandCursor parse(String text) {
        Matcher matcher = text == null ? null : FORMAT.matcher(text);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("cursor '" + text + "' is not <partition>-<offset>, e.g. 2-1234");
        }
        return new CommandCursor(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }

    /**
     * Whether a command at this position is new to a device that holds everything up to {@code acked} (null: none).
     * A command in another partition is new: the device moved to another subnet, whose commands it has not seen.
     */
    public boolean isAfter(CommandCursor acked) {
        return acked == null || partition != acked.partition || offset > acked.offset;
    }

    @Override
    public String toString() {
        return partition + "-" + offset;
    }
}
