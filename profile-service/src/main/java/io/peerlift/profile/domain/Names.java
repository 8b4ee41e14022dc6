package io.peerlift.profile.domain;

import io.peerlift.events.Limits;
import io.peerlift.support.problem.InvalidInputException;

/** Names of folders and profiles: {@link Limits#requireName}, refused with 400. */
public final class Names {

    private Names() {
    }

    /**
     * @param what "folder" or "profile", for the message
     * @return the name without surrounding blanks
     */
    public static String require(String name, String what) {
        try {
            return Limits.requireName(name, what + " name");
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
