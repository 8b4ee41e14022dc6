package io.peerlift.rollout.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a rollout. Every change goes through {@link #canMoveTo}, so an operator action that does not
 * fit the current state is refused instead of half applied.
 */
public enum RolloutState {
    CREATED,
    RUNNING,
    PAUSED,
    /** Failures passed the error threshold; an operator resumes after looking at them. */
    PAUSED_ON_ERRORS,
    COMPLETED,
    CANCELLED;

    private Set<RolloutState> successors() {
        return switch (this) {
            case CREATED -> EnumSet.of(RUNNING, CANCELLED);
            case RUNNING -> EnumSet.of(PAUSED, PAUSED_ON_ERRORS, COMPLETED, CANCELLED);
            // Downloads already commanded go on while paused, so a paused rollout can still complete.
            case PAUSED, PAUSED_ON_ERRORS -> EnumSet.of(RUNNING, COMPLETED, CANCELLED);
            case COMPLETED, CANCELLED -> EnumSet.noneOf(RolloutState.class);
        };
    }

    public boolean canMoveTo(RolloutState next) {
        return successors().contains(next);
    }

    public boolean isFinished() {
        return this == COMPLETED || this == CANCELLED;
    }

    /** States in which devices' events still change the rollout and new members are taken in. */
    public static Set<RolloutState> open() {
        return EnumSet.of(CREATED, RUNNING, PAUSED, PAUSED_ON_ERRORS);
    }
}
