package io.peerlift.rollout.service.scheduling;

/** Fired in a transaction that queued commands in the outbox; observed after commit to relay them at once. */
public record CommandsQueued() {
}
