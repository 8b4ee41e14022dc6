package io.peerlift.profile.domain;

import java.util.List;

/** Input that breaks a rule; each violation names what was wrong, the value and the rule. Maps to 400. */
public class InvalidInputException extends RuntimeException {

    private final List<String> violations;

    public InvalidInputException(List<String> violations) {
        super(String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    public InvalidInputException(String violation) {
        this(List.of(violation));
    }

    public List<String> violations() {
        return violations;
    }
}
