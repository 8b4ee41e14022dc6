package io.peerlift.rollout.domain;

import java.util.EnumSet;
import java.util.Set;

/** The states of a rollout; {@link RolloutTransition} lists every move between them. */
public enum RolloutState {
    /** The folder's devices are being taken in, page by page. */
    CREATING,
    /** Every device is taken in; an approver approves or denies it (hawkBit's WAITING_FOR_APPROVAL). */
    WAITING_FOR_APPROVAL,
    /** Every device is taken in (and the rollout approved, where it needs approval); waits for start. */
    CREATED,
    RUNNING,
    PAUSED,
    /** Failures passed the error threshold; an operator resumes after looking at them. */
    PAUSED_ON_ERRORS,
    /** Cancelled by an operator: the reconciler cancels the subnets' devices one subnet after the other. */
    CANCELLING,
    COMPLETED,
    CANCELLED,
    /** An approver denied the rollout: nothing was commanded, nothing will be. */
    APPROVAL_DENIED;

    /** Paused by an operator or on errors: the rollout commands nobody. */
    public boolean isPaused() {
        return this == PAUSED || this == PAUSED_ON_ERRORS;
    }

    public boolean isFinished() {
        return finished().contains(this);
    }

    /** States a rollout never leaves by itself (retry-failed moves a COMPLETED or CANCELLED one on). */
    public static Set<RolloutState> finished() {
        return EnumSet.of(COMPLETED, CANCELLED, APPROVAL_DENIED);
    }

    /** States in which the rollout takes in devices that join its folder. */
    public static Set<RolloutState> open() {
        return EnumSet.of(CREATING, WAITING_FOR_APPROVAL, CREATED, RUNNING, PAUSED, PAUSED_ON_ERRORS);
    }

    /** States in which the reconciler has something to do. */
    public static Set<RolloutState> active() {
        return EnumSet.of(CREATING, CREATED, RUNNING, PAUSED, PAUSED_ON_ERRORS, CANCELLING);
    }
}
