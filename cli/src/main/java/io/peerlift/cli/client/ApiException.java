package io.peerlift.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A service refused a call: its HTTP status and the problem+json it answered with (RFC 9457: {@code title},
 * {@code detail}, and {@code errors} for each violation of a rejected input). The message is the service's own
 * words, so the CLI shows what the service said rather than a status code.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final JsonNode problem;

    public ApiException(String call, int status, JsonNode problem) {
        super(describe(call, status, problem));
        this.status = status;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    /** The problem+json object, or a JSON object holding only {@code status} when the answer had none. */
    public JsonNode problem() {
        return problem;
    }

    /** Each violation the service listed for a rejected input, in its order. */
    public List<String> errors() {
        List<String> errors = new ArrayList<>();
        problem.path("errors").forEach(error -> errors.add(error.asText()));
        return errors;
    }

    private static String describe(String call, int status, JsonNode problem) {
        String title = problem.path("title").asText("");
        String detail = problem.path("detail").asText("");
        StringBuilder text = new StringBuilder();
        text.append(title.isEmpty() ? "HTTP " + status : title + " (" + status + ")");
        if (!detail.isEmpty() && !detail.equals(title)) {
            text.append(": ").append(detail);
        }
        problem.path("errors").forEach(error -> text.append("\n  - ").append(error.asText()));
        return text.append("\n  (").append(call).append(')').toString();
    }
}
