package io.peerlift.rollout.domain;

import java.util.Optional;

/**
 * The rollout's error condition: it pauses when the failed devices an operator has not yet accepted exceed
 * {@code percent} of the devices it upgrades (those already current or ineligible do not count).
 */
public record ErrorThreshold(int percent) {

    /** Why the rollout must pause, or empty while the failures are within the threshold. */
    public Optional<String> exceededBy(DeviceCounts counts, int failuresAcknowledged) {
        long failed = counts.failed - failuresAcknowledged;
        long counted = counts.total() - counts.ineligible - counts.current;
        if (failed <= 0 || failed * 100 <= (long) percent * counted) {
            return Optional.empty();
        }
        return Optional.of(failed + " of " + counted + " devices failed (" + (failed * 100 / counted)
                + "%), above the error threshold of " + percent + "%; resume to go on");
    }
}
