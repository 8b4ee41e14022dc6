package io.peerlift.profile.domain;

import io.peerlift.events.Limits;
import io.peerlift.support.problem.InvalidInputException;

/**
 * Names of folders and profiles ({@link Limits#requireName}) and device ids a request names
 * ({@link Limits#requireDeviceId}), refused with 400: a NUL would otherwise reach the database as a 500.
 */
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

    public static String requireDeviceId(String id) {
        try {
            return Limits.requireDeviceId(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }
}
