package io.peerlift.profile.domain;

/** Names of folders and profiles: required, trimmed, and short enough for their columns. */
public final class Names {

    public static final int MAX_LENGTH = 200;

    private Names() {
    }

    /**
     * @param what "folder" or "profile", for the message
     * @return the name without surrounding blanks
     */
    public static String require(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException(what + " name is required");
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_LENGTH) {
            throw new InvalidInputException(what + " name has " + trimmed.length() + " characters; at most "
                    + MAX_LENGTH + " are allowed");
        }
        return trimmed;
    }
}
