package io.peerlift.rollout.domain;

import java.util.List;
import java.util.Optional;

/**
 * Whether a rollout may be created or started on its folder, as a pure rule: the folder exists, holds devices,
 * no other unfinished rollout covers any of them, and (when it starts) the folder's consistency report has no
 * errors, unless an operator forces the start past them and says why.
 */
public final class StartGate {

    private StartGate() {
    }

    /** Why a rollout is refused; the service maps each to its HTTP status. */
    public enum Refusal { UNKNOWN_FOLDER, EMPTY_FOLDER, OVERLAPPING_ROLLOUT, CONSISTENCY_ERRORS, FORCE_WITHOUT_REASON }

    /**
     * The folder as profile-service reports it: whether it exists, and the ERROR problems of its consistency
     * report, each as "CODE: message".
     */
    public record FolderReport(boolean exists, List<String> errors) {
    }

    /**
     * What the gate looks at.
     *
     * @param report             profile-service's word on the folder; empty where rollout-service is configured
     *                           without profile-service
     * @param devices            the devices the rollout would cover
     * @param overlappingRollout the id of an unfinished rollout over some of the same devices
     */
    public record Facts(long folderId, Optional<FolderReport> report, long devices,
                        Optional<String> overlappingRollout) {
    }

    /** The operator's request: whether it starts the rollout now, and whether it forces the start, and why. */
    public record Request(boolean starts, boolean force, String reason) {
    }

    public sealed interface Verdict {
    }

    /** @param forcedPast what a forced start went past, for the rollout's record; null when nothing was forced */
    public record Allowed(String forcedPast) implements Verdict {
    }

    public record Refused(Refusal refusal, String detail) implements Verdict {
    }

    public static Verdict decide(Facts facts, Request request) {
        long folder = facts.folderId();
        if (request.force() && (request.reason() == null || request.reason().isBlank())) {
            return new Refused(Refusal.FORCE_WITHOUT_REASON,
                    "force needs a reason: say why the folder's consistency errors may be ignored (it is kept with "
                            + "the rollout and in the audit trail)");
        }
        if (facts.report().isPresent() && !facts.report().get().exists()) {
            return new Refused(Refusal.UNKNOWN_FOLDER, "folder " + folder + " does not exist");
        }
        if (facts.devices() == 0) {
            return new Refused(Refusal.EMPTY_FOLDER, "folder " + folder + " has no devices, in it or below it: "
                    + "move devices into it first (a rollout over no devices would never finish)");
        }
        if (facts.overlappingRollout().isPresent()) {
            return new Refused(Refusal.OVERLAPPING_ROLLOUT, "rollout " + facts.overlappingRollout().get()
                    + " is not finished and covers devices of folder " + folder
                    + ": a device takes part in one rollout at a time; wait for it to finish or cancel it");
        }
        List<String> errors = request.starts() ? facts.report().map(FolderReport::errors).orElse(List.of()) : List.of();
        if (errors.isEmpty()) {
            return new Allowed(null);
        }
        String listed = errors.size() + " consistency error" + (errors.size() == 1 ? "" : "s") + " ("
                + String.join("; ", errors) + ")";
        if (!request.force()) {
            return new Refused(Refusal.CONSISTENCY_ERRORS, "folder " + folder + " has " + listed
                    + ": its devices would not upgrade from their peers; fix the folder (GET /api/folders/" + folder
                    + "/consistency on profile-service), or start with force=true and a reason");
        }
        return new Allowed("forced past " + listed + ": " + request.reason().strip());
    }
}
