package io.peerlift.support.problem;

import java.util.List;

/**
 * A request the service refuses: the status, a type slug, a title and a detail that tells the caller what to change.
 * Domain rules throw the subclasses; {@link ProblemMappers} turns any of them into problem+json.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<String> errors;

    public ProblemException(int status, String slug, String title, String detail, List<String> errors) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of());
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** Each violation of a rejected input; empty for other refusals. */
    public List<String> errors() {
        return errors;
    }
}
