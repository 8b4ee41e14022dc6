package io.peerlift.rollout.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.RolloutState;
import jakarta.enterprise.context.ApplicationScoped;

/** The rollout service's Prometheus metrics (served at /q/metrics). */
@ApplicationScoped
public class RolloutMetrics {

    private final MeterRegistry registry;

    RolloutMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void upgradeCommanded(SourcePolicy policy, int attempt) {
        registry.counter("peerlift.rollout.upgrade.commands", "policy", policy.name(),
                "retry", Boolean.toString(attempt > 1)).increment();
    }

    public void cancelCommanded() {
        registry.counter("peerlift.rollout.cancel.commands").increment();
    }

    public void deviceReached(DeviceState state) {
        registry.counter("peerlift.rollout.device.transitions", "state", state.name()).increment();
    }

    public void rolloutReached(RolloutState state) {
        registry.counter("peerlift.rollout.transitions", "state", state.name()).increment();
    }

    public void downloadBytes(long wanBytes, long peerBytes) {
        registry.counter("peerlift.rollout.download.bytes", "source", "WAN").increment(wanBytes);
        registry.counter("peerlift.rollout.download.bytes", "source", "PEER").increment(peerBytes);
    }

    /** {@code outcome}: applied, or duplicate for an event at or below the device's last seq. */
    public void eventConsumed(String topic, String outcome) {
        registry.counter("peerlift.rollout.events", "topic", topic, "outcome", outcome).increment();
    }

    public void commandsPublished(int count) {
        registry.counter("peerlift.rollout.commands.published").increment(count);
    }

    public void repositoryServed(String app, String version, long bytes) {
        registry.counter("peerlift.repository.served.bytes", "app", app, "version", version).increment(bytes);
    }
}
