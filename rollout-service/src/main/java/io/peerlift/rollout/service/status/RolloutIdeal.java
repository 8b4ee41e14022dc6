package io.peerlift.rollout.service.status;

/**
 * A rollout as a whole against its ideal: every subnet spreading ideally from the moment it started (a subnet
 * not started yet: from now, at the earliest).
 *
 * @param ratio          measured against ideal over all subnets, null when it cannot be told yet
 * @param idealSeconds   when the ideal rollout would be done, from the rollout's start
 * @param elapsedSeconds since the rollout started, until it finished, its pauses left out
 * @param roundMillis    the median round of the rollout's subnets (transfer + install + reboot)
 * @param stalledSubnets subnets where devices wait and nothing can move
 * @param swarmIdealSeconds when the ideal swarm would be done, from the rollout's start: per subnet, from when it
 *                       started, T* + install + reboot; null unless the rollout swarms and an upload capacity is
 *                       known
 * @param swarmRatio     elapsedSeconds against swarmIdealSeconds, null when unknown
 */
public record RolloutIdeal(Double ratio, Double idealSeconds, Double elapsedSeconds, Long roundMillis,
                           int stalledSubnets, Double swarmIdealSeconds, Double swarmRatio) {
}
