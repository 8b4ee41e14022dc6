package io.peerlift.profile.domain;

/** A referenced folder, device, profile or assignment does not exist. Maps to 404. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
