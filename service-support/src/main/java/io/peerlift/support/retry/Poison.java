package io.peerlift.support.retry;

import jakarta.validation.ValidationException;

/**
 * The rule that tells a record no retry can ever apply from the state of the platform, which may pass: the one
 * {@link TransientFailures} retries until it does.
 */
public final class Poison {

    private Poison() {
    }

    /**
     * Whether the failure lies in the record itself: anywhere in its causes, an argument refused
     * ({@link IllegalArgumentException}, as a decoder or the contract's limits throw it) or a validation that failed.
     */
    public static boolean isPoison(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IllegalArgumentException || cause instanceof ValidationException) {
                return true;
            }
        }
        return false;
    }
}
