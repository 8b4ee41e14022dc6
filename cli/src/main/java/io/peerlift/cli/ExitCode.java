package io.peerlift.cli;

import io.peerlift.cli.client.ApiException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code bin/peerlift} exits with, so that scripts can tell outcomes apart without parsing text. The
 * numbers are part of the CLI's contract (README, {@code --help}); add new ones, never renumber.
 */
public enum ExitCode {
    OK(0, "done; with --wait, the rollout reached what was asked (completed with no failed device, paused, cancelled)"),
    ERROR(1, "an unexpected error: a service failed (5xx) or answered something unreadable"),
    USAGE(2, "the command line is wrong (unknown command or option, missing or malformed argument)"),
    AUTH(3, "no token, a refused token (401), or a role that is not enough (403)"),
    NOT_FOUND(4, "the folder, device, profile, app or rollout does not exist (404)"),
    CONFLICT(5, "refused in the current state (409): a duplicate, a non-empty folder, an action the rollout's state does not allow"),
    INVALID(6, "the service refused the input (400, 413, 422)"),
    UNREACHABLE(7, "a service could not be reached"),
    INCONSISTENT(8, "folders check: the folder's consistency report has errors"),
    ROLLOUT_FAILED(10, "the rollout completed, but devices failed"),
    PAUSED_ON_ERRORS(11, "the rollout paused on errors: its failures passed the error threshold"),
    CANCELLED(12, "the rollout was cancelled"),
    PAUSED(13, "the rollout was paused by an operator"),
    NOT_STARTED(14, "the rollout waits to be started (CREATED)"),
    TIMED_OUT(15, "--wait gave up after --timeout; the rollout goes on"),
    AWAITING_APPROVAL(16, "the rollout waits for an approver (WAITING_FOR_APPROVAL): rollouts approve|deny"),
    APPROVAL_DENIED(17, "an approver denied the rollout (APPROVAL_DENIED)"),
    OWN_ROLLOUT(18, "four eyes: the caller created the rollout, so another approver must approve or deny it (403)");

    /** The problem type rollout-service answers a creator's own approval with. */
    static final String FOUR_EYES_PROBLEM = "urn:peerlift:problem:four-eyes";

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The exit code for a service's refusal, by its HTTP status. */
    public static ExitCode of(ApiException refusal) {
        if (refusal.status() == 403 && FOUR_EYES_PROBLEM.equals(refusal.problem().path("type").asText())) {
            return OWN_ROLLOUT;
        }
        return switch (refusal.status()) {
            case 401, 403 -> AUTH;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 400, 411, 413, 415, 422 -> INVALID;
            default -> ERROR;
        };
    }

    /** {@code --help}'s list of exit codes and what they mean. */
    static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        Arrays.stream(values()).forEach(e -> list.put(String.format("%2d", e.code), e.meaning));
        return list;
    }
}
