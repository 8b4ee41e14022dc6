package io.peerlift.rollout.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * An approver's decision on a rollout, with hawkBit's semantics, as a pure rule: only a rollout that waits for
 * approval is decided; four eyes: its creator may not decide on it; a denial says why. Approving makes the rollout
 * CREATED (it starts if it was created to start), denying ends it in APPROVAL_DENIED.
 */
public final class Approval {

    /** A remark longer than this is refused (the column's width). */
    public static final int MAX_REMARK = 1024;

    private Approval() {
    }

    /** Why a decision is refused; the service maps each to its HTTP status. */
    public enum Refusal {
        /** 400: a denial without a remark, or a remark too long. */
        BAD_REMARK,
        /** 409: the rollout does not wait for approval. */
        NOT_WAITING,
        /** 403: the approver created the rollout. */
        OWN_ROLLOUT
    }

    public record Refused(Refusal refusal, String detail) {
    }

    /**
     * @param decision {@link RolloutTransition#APPROVE} or {@link RolloutTransition#DENY}
     * @param creator  who created the rollout (the token's subject), null for a rollout from before approvals
     * @param approver who decides (the token's subject)
     */
    public static Optional<Refused> refusal(String rolloutId, RolloutState state, String creator, String approver,
                                            RolloutTransition decision, String remark) {
        if (decision != RolloutTransition.APPROVE && decision != RolloutTransition.DENY) {
            throw new IllegalArgumentException(decision + " is not an approver's decision");
        }
        String action = decision.name().toLowerCase(Locale.ROOT);
        if (decision == RolloutTransition.DENY && (remark == null || remark.isBlank())) {
            return refused(Refusal.BAD_REMARK, "deny needs a remark: say why rollout " + rolloutId + " must not "
                    + "run (it is kept with the rollout and in the audit trail)");
        }
        if (remark != null && remark.length() > MAX_REMARK) {
            return refused(Refusal.BAD_REMARK, "remark is " + remark.length() + " characters long, at most "
                    + MAX_REMARK + " are kept");
        }
        if (!decision.appliesTo(state)) {
            return refused(Refusal.NOT_WAITING, decision.refusal(rolloutId, state));
        }
        if (creator != null && creator.equals(approver)) {
            return refused(Refusal.OWN_ROLLOUT, "cannot " + action + " rollout " + rolloutId + ": '" + approver
                    + "' created it, and four eyes are needed: another approver decides");
        }
        return Optional.empty();
    }

    private static Optional<Refused> refused(Refusal refusal, String detail) {
        return Optional.of(new Refused(refusal, detail));
    }
}
