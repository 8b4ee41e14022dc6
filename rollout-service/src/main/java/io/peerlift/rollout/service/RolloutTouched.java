package io.peerlift.rollout.service;

/**
 * Fired inside a transaction that changed a rollout; observed after commit to publish its status (at once
 * when {@code stateChanged}, throttled otherwise) and to relay the commands the transaction queued.
 */
public record RolloutTouched(String rolloutId, boolean stateChanged) {
}
