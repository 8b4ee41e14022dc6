package io.peerlift.rollout.domain;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every move of a rollout between states, declared once: where it may start and where it leads. Operators ask
 * for {@link #START}, {@link #PAUSE}, {@link #RESUME}, {@link #CANCEL} and {@link #RETRY_FAILED}
 * ({@link #operatorAction}); approvers for {@link #APPROVE} and {@link #DENY}; the reconciler makes the others.
 */
public enum RolloutTransition {
    TAKEN_IN(EnumSet.of(RolloutState.CREATING), RolloutState.CREATED),
    /** Taken in, and the rollout needs an approver's decision before it may start. */
    AWAIT_APPROVAL(EnumSet.of(RolloutState.CREATING), RolloutState.WAITING_FOR_APPROVAL),
    APPROVE(EnumSet.of(RolloutState.WAITING_FOR_APPROVAL), RolloutState.CREATED),
    DENY(EnumSet.of(RolloutState.WAITING_FOR_APPROVAL), RolloutState.APPROVAL_DENIED),
    START(EnumSet.of(RolloutState.CREATED), RolloutState.RUNNING),
    PAUSE(EnumSet.of(RolloutState.RUNNING), RolloutState.PAUSED),
    PAUSE_ON_ERRORS(EnumSet.of(RolloutState.RUNNING), RolloutState.PAUSED_ON_ERRORS),
    RESUME(EnumSet.of(RolloutState.PAUSED, RolloutState.PAUSED_ON_ERRORS), RolloutState.RUNNING),
    COMPLETE(EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.PAUSED_ON_ERRORS),
            RolloutState.COMPLETED),
    CANCEL(RolloutState.open(), RolloutState.CANCELLING),
    /** A finished rollout gives its FAILED devices a new attempt. */
    RETRY_FAILED(EnumSet.of(RolloutState.COMPLETED, RolloutState.CANCELLED), RolloutState.RUNNING),
    CANCELLED(EnumSet.of(RolloutState.CANCELLING), RolloutState.CANCELLED);

    private static final Set<RolloutTransition> OPERATOR_ACTIONS = EnumSet.of(START, PAUSE, RESUME, CANCEL,
            RETRY_FAILED);

    private final Set<RolloutState> from;
    private final RolloutState to;

    RolloutTransition(Set<RolloutState> from, RolloutState to) {
        this.from = from;
        this.to = to;
    }

    public RolloutState to() {
        return to;
    }

    public boolean appliesTo(RolloutState state) {
        return from.contains(state);
    }

    /** The transition an operator's action (start, pause, resume, cancel, retry-failed) names. */
    public static RolloutTransition operatorAction(String action) {
        RolloutTransition transition = valueOf(action.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (!OPERATOR_ACTIONS.contains(transition)) {
            throw new IllegalArgumentException(action + " is not an operator action");
        }
        return transition;
    }

    /** Why the transition does not apply to a rollout in {@code state}, in words for the operator. */
    public String refusal(String rolloutId, RolloutState state) {
        String action = name().toLowerCase(Locale.ROOT).replace('_', '-');
        return "cannot " + action + " rollout " + rolloutId + ": it is " + state + ", and " + action
                + " applies only to a rollout that is "
                + from.stream().map(Enum::name).sorted().collect(Collectors.joining(" or "));
    }
}
