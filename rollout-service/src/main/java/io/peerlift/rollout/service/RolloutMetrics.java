package io.peerlift.rollout.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.DeviceProgress;
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

    /** A device of a rollout changed from {@code before} to {@code after}: its state, the bytes it downloaded. */
    public void deviceChanged(DeviceProgress before, DeviceProgress after) {
        if (before.state() != after.state()) {
            registry.counter("peerlift.rollout.device.transitions", "state", after.state().name()).increment();
        }
        if (after.wanBytes() > before.wanBytes()) {
            registry.counter("peerlift.rollout.download.bytes", "source", "WAN").increment(after.wanBytes() - before.wanBytes());
        }
        if (after.peerBytes() > before.peerBytes()) {
            registry.counter("peerlift.rollout.download.bytes", "source", "PEER")
                    .increment(after.peerBytes() - before.peerBytes());
        }
    }

    public void rolloutReached(RolloutState state) {
        registry.counter("peerlift.rollout.transitions", "state", state.name()).increment();
    }

    /**
     * {@code outcome}: applied; duplicate for an event at or below the device's last seq (or a config revision
     * not above the applied one); stale for an event of a device's earlier attempt, which changes nothing in
     * the rollout.
     */
    public void consumed(String topic, String outcome, int count) {
        if (count > 0) {
            registry.counter("peerlift.rollout.events", "topic", topic, "outcome", outcome).increment(count);
        }
    }

    /** One transaction recorded a poll of {@code records} records. */
    public void batchRecorded(String topic, int records) {
        registry.summary("peerlift.rollout.batch.records", "topic", topic).record(records);
    }

    public void subnetsPlanned(int count) {
        registry.counter("peerlift.rollout.subnets.planned").increment(count);
    }

    public void commandsPublished(int count) {
        registry.counter("peerlift.rollout.commands.published").increment(count);
    }

    public void statusRecordPublished(String type, int bytes) {
        registry.summary("peerlift.rollout.status.record.bytes", "type", type).record(bytes);
    }

    public void repositoryServed(String app, String version, long bytes) {
        registry.counter("peerlift.repository.served.bytes", "app", app, "version", version).increment(bytes);
    }
}
