package io.peerlift.events;

/**
 * The sizes every service and every schema agrees on, so that nothing one service accepts is dropped by another:
 * a device id that profile-service stores fits rollout-service's columns, a folder tree that profile-service builds
 * fits every event that carries its path. Services validate their input against these values and their Flyway
 * schemas declare exactly these lengths (each service has a test that reads its columns back).
 */
public final class Limits {

    /** Device ids: the Kafka key of configurations, a path segment of the REST APIs, a directory on the device. */
    public static final int MAX_DEVICE_ID_LENGTH = 128;

    /** Names a person gives: folders, profiles, rollouts. */
    public static final int MAX_NAME_LENGTH = 200;

    /** Levels of folders below the root; a device's folder path holds at most this many ids plus the root's. */
    public static final int MAX_FOLDER_DEPTH = 32;

    /** The largest request body a route other than a package upload takes. */
    public static final int MAX_REQUEST_BODY_BYTES = 1 << 20;

    private Limits() {
    }

    /**
     * A device id: 1 to {@value #MAX_DEVICE_ID_LENGTH} characters, no white space or control characters.
     *
     * @throws IllegalArgumentException naming the id and the rule it breaks
     */
    public static String requireDeviceId(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("device id is required");
        }
        if (id.length() > MAX_DEVICE_ID_LENGTH) {
            throw new IllegalArgumentException("device id '" + abbreviate(id) + "' has " + id.length()
                    + " characters; at most " + MAX_DEVICE_ID_LENGTH + " are allowed");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("device id '" + printable(id) + "' contains "
                        + describe(c) + " at position " + i + "; white space and control characters are not allowed");
            }
        }
        return id;
    }

    /**
     * A name: trimmed, not blank, at most {@value #MAX_NAME_LENGTH} characters, no control characters (a NUL or a
     * line break in a name breaks storage and every screen that shows it).
     *
     * @param what "folder name", "profile name" ..., for the message
     * @return the name without surrounding blanks
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " has " + trimmed.length() + " characters; at most "
                    + MAX_NAME_LENGTH + " are allowed");
        }
        int control = firstControlCharacter(trimmed);
        if (control >= 0) {
            throw new IllegalArgumentException(what + " '" + printable(trimmed) + "' contains "
                    + describe(trimmed.charAt(control)) + " at position " + control
                    + "; control characters are not allowed");
        }
        return trimmed;
    }

    /** The index of the first control character (NUL, line breaks, escape, ...) in the text, or -1. */
    public static int firstControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The text with each control character written as {@code \\uXXXX}, safe to put in a message or a log. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 80) + 8);
        String shown = abbreviate(text);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static String describe(char c) {
        return Character.isISOControl(c) ? String.format("the control character U+%04X", (int) c)
                : String.format("white space U+%04X", (int) c);
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
