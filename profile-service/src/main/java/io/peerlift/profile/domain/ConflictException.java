package io.peerlift.profile.domain;

/** The request clashes with the current state (a duplicate name or assignment). Maps to 409. */
public class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
