package io.peerlift.rollout.domain;

import io.peerlift.rollout.domain.Approval.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The approval part of the rollout state machine and the four-eyes rule, alone. */
class ApprovalTest {

    @Test
    void aTakenInRolloutWaitsForApprovalThenIsCreatedOrDenied() {
        assertThat(RolloutTransition.AWAIT_APPROVAL.appliesTo(RolloutState.CREATING)).isTrue();
        assertThat(RolloutTransition.AWAIT_APPROVAL.to()).isEqualTo(RolloutState.WAITING_FOR_APPROVAL);
        assertThat(RolloutTransition.APPROVE.to()).isEqualTo(RolloutState.CREATED);
        assertThat(RolloutTransition.DENY.to()).isEqualTo(RolloutState.APPROVAL_DENIED);
        assertThat(RolloutTransition.START.appliesTo(RolloutState.WAITING_FOR_APPROVAL))
                .as("no start before approval").isFalse();
        assertThat(RolloutTransition.CANCEL.appliesTo(RolloutState.WAITING_FOR_APPROVAL)).isTrue();
    }

    @Test
    void aDeniedRolloutIsTerminal() {
        assertThat(RolloutState.APPROVAL_DENIED.isFinished()).isTrue();
        assertThat(EnumSet.allOf(RolloutTransition.class))
                .filteredOn(t -> t.appliesTo(RolloutState.APPROVAL_DENIED)).isEmpty();
        assertThat(RolloutState.open()).doesNotContain(RolloutState.APPROVAL_DENIED);
        assertThat(RolloutState.active()).doesNotContain(RolloutState.APPROVAL_DENIED,
                RolloutState.WAITING_FOR_APPROVAL);
    }

    @Test
    void anotherApproverMayApproveOrDenyAWaitingRollout() {
        assertThat(Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, "olivia", "abby",
                RolloutTransition.APPROVE, null)).isEmpty();
        assertThat(Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, "olivia", "abby",
                RolloutTransition.DENY, "freeze week")).isEmpty();
        assertThat(Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, null, "abby",
                RolloutTransition.APPROVE, null)).as("a rollout from before approvals has no creator").isEmpty();
    }

    @Test
    void theCreatorMayNotDecideOnItsOwnRollout() {
        for (RolloutTransition decision : new RolloutTransition[] {RolloutTransition.APPROVE, RolloutTransition.DENY}) {
            Optional<Approval.Refused> refused = Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, "olivia",
                    "olivia", decision, "mine");
            assertThat(refused).get().extracting(Approval.Refused::refusal).isEqualTo(Refusal.OWN_ROLLOUT);
            assertThat(refused.get().detail()).contains("'olivia' created it", "four eyes");
        }
    }

    @ParameterizedTest
    @EnumSource(value = RolloutState.class, names = "WAITING_FOR_APPROVAL", mode = EnumSource.Mode.EXCLUDE)
    void onlyAWaitingRolloutIsDecided(RolloutState state) {
        assertThat(Approval.refusal("r1", state, "olivia", "abby", RolloutTransition.APPROVE, null)).get()
                .extracting(Approval.Refused::refusal).isEqualTo(Refusal.NOT_WAITING);
    }

    @Test
    void aDenialSaysWhyAndARemarkFitsItsColumn() {
        assertThat(Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, "olivia", "abby",
                RolloutTransition.DENY, " ")).get().extracting(Approval.Refused::refusal)
                .isEqualTo(Refusal.BAD_REMARK);
        assertThat(Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, "olivia", "abby",
                RolloutTransition.APPROVE, "x".repeat(Approval.MAX_REMARK + 1))).get()
                .extracting(Approval.Refused::refusal).isEqualTo(Refusal.BAD_REMARK);
        assertThat(Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, "olivia", "abby",
                RolloutTransition.APPROVE, "x".repeat(Approval.MAX_REMARK))).isEmpty();
    }

    @Test
    void onlyApproveAndDenyAreDecisions() {
        assertThatThrownBy(() -> Approval.refusal("r1", RolloutState.WAITING_FOR_APPROVAL, "o", "a",
                RolloutTransition.START, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
