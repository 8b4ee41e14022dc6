package io.peerlift.rollout.service.management;

/** Fired in the transaction that archived a rollout; observed after commit to take it off the status topic. */
public record RolloutArchived(String rolloutId) {
}
