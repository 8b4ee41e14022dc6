package io.peerlift.support.problem;

import java.util.List;

/** Input that breaks a rule; each violation names what was wrong, the value and the rule. Maps to 400. */
public class InvalidInputException extends ProblemException {

    public InvalidInputException(List<String> violations) {
        super(400, "invalid-input", "Invalid input", String.join("; ", violations), violations);
    }

    public InvalidInputException(String violation) {
        this(List.of(violation));
    }

    public List<String> violations() {
        return errors();
    }
}
