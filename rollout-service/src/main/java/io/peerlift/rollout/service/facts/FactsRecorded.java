package io.peerlift.rollout.service.facts;

import java.util.Set;

/**
 * Fired in a transaction that recorded device events or configs; observed after it commits, to plan the
 * subnets it marked at once rather than at the next tick.
 */
public record FactsRecorded(Set<String> rolloutIds) {
}
