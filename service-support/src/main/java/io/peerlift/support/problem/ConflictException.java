package io.peerlift.support.problem;

/** The request conflicts with the current state; the detail says which state and what to do. Maps to 409. */
public class ConflictException extends ProblemException {

    public ConflictException(String detail) {
        super(409, "conflict", "Conflict", detail);
    }
}
