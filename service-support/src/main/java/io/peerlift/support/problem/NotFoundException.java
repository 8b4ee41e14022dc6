package io.peerlift.support.problem;

/** The request names something that does not exist. Maps to 404. */
public class NotFoundException extends ProblemException {

    public NotFoundException(String detail) {
        super(404, "not-found", "Not found", detail);
    }
}
