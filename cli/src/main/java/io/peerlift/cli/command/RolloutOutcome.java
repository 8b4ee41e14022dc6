package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.cli.ExitCode;

import java.util.Optional;

/**
 * When {@code --wait} stops waiting and with which exit code, from the rollout as rollout-service shows it
 * ({@code state}, {@code deviceCounts}): a pure rule. A rollout that can move on by itself (CREATING, RUNNING,
 * CANCELLING) is waited for; one that rests (WAITING_FOR_APPROVAL rests until an approver decides) is judged
 * against what the operator asked for.
 */
enum RolloutOutcome {
    /** create, start, resume, retry-failed, show: until the rollout completes or stops. */
    COMPLETION,
    /** create --no-start: until the folder's devices are taken in. */
    TAKEN_IN,
    /** pause: until the rollout rests paused. */
    PAUSE,
    /** cancel: until the devices are cancelled. */
    CANCELLATION,
    /** deny: the rollout rests denied at once. */
    DENIAL;

    /** Empty while the rollout can still move on its own; else the exit code of the state it rests in. */
    Optional<ExitCode> judge(JsonNode rollout) {
        String state = rollout.path("state").asText();
        ExitCode resting = switch (state) {
            case "COMPLETED" -> rollout.path("deviceCounts").path("FAILED").asInt() > 0
                    ? ExitCode.ROLLOUT_FAILED : ExitCode.OK;
            case "CANCELLED" -> ExitCode.CANCELLED;
            case "PAUSED_ON_ERRORS" -> ExitCode.PAUSED_ON_ERRORS;
            case "PAUSED" -> ExitCode.PAUSED;
            case "CREATED" -> ExitCode.NOT_STARTED;
            case "WAITING_FOR_APPROVAL" -> ExitCode.AWAITING_APPROVAL;
            case "APPROVAL_DENIED" -> ExitCode.APPROVAL_DENIED;
            default -> null;
        };
        if (this == TAKEN_IN && !state.equals("CREATING")) {
            return Optional.of(resting == null || resting == ExitCode.NOT_STARTED ? ExitCode.OK : resting);
        }
        if (resting == null) {
            return Optional.empty();
        }
        boolean asked = (this == PAUSE && resting == ExitCode.PAUSED)
                || (this == CANCELLATION && resting == ExitCode.CANCELLED)
                || (this == DENIAL && resting == ExitCode.APPROVAL_DENIED);
        return Optional.of(asked ? ExitCode.OK : resting);
    }
}
