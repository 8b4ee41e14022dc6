package io.peerlift.rollout.service.scheduling;

/** Fired in a transaction that moved a rollout to another state; observed after commit to publish it at once. */
public record RolloutChanged(String rolloutId) {
}
