package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.cli.ExitCode;
import io.peerlift.cli.client.ApiException;
import io.peerlift.events.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RolloutOutcomeTest {

    private static JsonNode rollout(String state, int failed) {
        return EventCodec.mapper().valueToTree(Map.of("state", state, "deviceCounts", Map.of("UPGRADED", 5, "FAILED", failed)));
    }

    @Test
    void completionIsZeroOnlyWhenNoDeviceFailed() {
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("COMPLETED", 0))).contains(ExitCode.OK);
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("COMPLETED", 2))).contains(ExitCode.ROLLOUT_FAILED);
    }

    @Test
    void aRolloutThatMovesOnByItselfIsWaitedFor() {
        for (String moving : new String[]{"CREATING", "RUNNING", "CANCELLING"}) {
            assertThat(RolloutOutcome.COMPLETION.judge(rollout(moving, 0))).as(moving).isEmpty();
        }
        assertThat(RolloutOutcome.PAUSE.judge(rollout("RUNNING", 0))).isEmpty();
        assertThat(RolloutOutcome.CANCELLATION.judge(rollout("CANCELLING", 0))).isEmpty();
        assertThat(RolloutOutcome.TAKEN_IN.judge(rollout("CREATING", 0))).isEmpty();
    }

    @Test
    void aRestingRolloutIsJudgedAgainstWhatWasAsked() {
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("PAUSED_ON_ERRORS", 4))).contains(ExitCode.PAUSED_ON_ERRORS);
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("PAUSED", 0))).contains(ExitCode.PAUSED);
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("CANCELLED", 0))).contains(ExitCode.CANCELLED);
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("CREATED", 0))).contains(ExitCode.NOT_STARTED);
        assertThat(RolloutOutcome.PAUSE.judge(rollout("PAUSED", 0))).contains(ExitCode.OK);
        assertThat(RolloutOutcome.PAUSE.judge(rollout("COMPLETED", 0))).contains(ExitCode.OK);
        assertThat(RolloutOutcome.PAUSE.judge(rollout("PAUSED_ON_ERRORS", 3))).contains(ExitCode.PAUSED_ON_ERRORS);
        assertThat(RolloutOutcome.CANCELLATION.judge(rollout("CANCELLED", 0))).contains(ExitCode.OK);
        assertThat(RolloutOutcome.CANCELLATION.judge(rollout("COMPLETED", 1))).contains(ExitCode.ROLLOUT_FAILED);
        assertThat(RolloutOutcome.TAKEN_IN.judge(rollout("CREATED", 0))).contains(ExitCode.OK);
        assertThat(RolloutOutcome.TAKEN_IN.judge(rollout("CANCELLED", 0))).contains(ExitCode.CANCELLED);
    }

    @Test
    void aRolloutWaitingForApprovalRestsAndADenialIsWhatDenyAsked() {
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("WAITING_FOR_APPROVAL", 0)))
                .contains(ExitCode.AWAITING_APPROVAL);
        assertThat(RolloutOutcome.TAKEN_IN.judge(rollout("WAITING_FOR_APPROVAL", 0)))
                .contains(ExitCode.AWAITING_APPROVAL);
        assertThat(RolloutOutcome.COMPLETION.judge(rollout("APPROVAL_DENIED", 0))).contains(ExitCode.APPROVAL_DENIED);
        assertThat(RolloutOutcome.DENIAL.judge(rollout("APPROVAL_DENIED", 0))).contains(ExitCode.OK);
        assertThat(RolloutOutcome.DENIAL.judge(rollout("RUNNING", 0))).isEmpty();
    }

    @Test
    void aCreatorsOwnApprovalHasAnExitCodeOfItsOwn() {
        JsonNode fourEyes = EventCodec.mapper().valueToTree(Map.of("type", "urn:peerlift:problem:four-eyes",
                "status", 403));
        JsonNode forbidden = EventCodec.mapper().valueToTree(Map.of("type", "urn:peerlift:problem:forbidden",
                "status", 403));
        assertThat(ExitCode.of(new ApiException("POST x", 403, fourEyes))).isEqualTo(ExitCode.OWN_ROLLOUT);
        assertThat(ExitCode.of(new ApiException("POST x", 403, forbidden))).isEqualTo(ExitCode.AUTH);
    }

    @Test
    void exitCodesAreDistinct() {
        assertThat(java.util.Arrays.stream(ExitCode.values()).map(ExitCode::code).distinct().count())
                .isEqualTo(ExitCode.values().length);
        assertThat(Optional.of(ExitCode.OK.code())).contains(0);
    }
}
