package io.peerlift.rollout.service;

import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Applies {@link SubnetPlanner} to one subnet of a rollout, from the persisted state alone. The caller holds
 * the rollout's lock ({@link Rollout#lock}), so two replicas never spend the same slots, and a restarted
 * service takes up exactly where the database says it stands.
 */
@ApplicationScoped
public class SubnetScheduler {

    private final DeviceProgress progress;

    SubnetScheduler(DeviceProgress progress) {
        this.progress = progress;
    }

    public void schedule(Rollout rollout, String subnet, Instant now) {
        RolloutSubnet state = RolloutSubnet.findOrCreate(rollout.id, subnet);
        List<Device> peers = Device.inSubnet(subnet).stream()
                .filter(d -> d.serves(rollout.app, rollout.version, rollout.manifestSha256))
                .toList();
        Instant since = rollout.startedAt == null ? now : rollout.startedAt;
        state.observePeers(peers.size(), peers.stream().mapToInt(d -> d.peerCapacity).sum(),
                Duration.between(since, now).toMillis() / 1000.0);
        if (rollout.state != RolloutState.RUNNING) {
            state.waiting = null;
            return;
        }
        List<RolloutDevice> rows = RolloutDevice.inSubnet(rollout.id, subnet);
        List<RolloutDevice> ready = rows.stream()
                .filter(r -> r.state == DeviceState.PENDING && (r.retryAt == null || !r.retryAt.isAfter(now)))
                .sorted(Comparator.comparingInt((RolloutDevice r) -> r.attempts).thenComparing(r -> r.deviceId))
                .toList();
        int wanSeedsInFlight = (int) RolloutDevice.countWanSeedsInFlight(rollout.id);
        SubnetPlanner.Plan plan = SubnetPlanner.plan(new SubnetPlanner.Situation(
                peers.size(),
                state.peerSlots,
                (int) rows.stream().filter(SubnetScheduler::occupiesPeerSlot).count(),
                (int) rows.stream().filter(SubnetScheduler::isOutstandingSeed).count(),
                ready.size(),
                Math.max(0, rollout.maxConcurrentWanDownloads - wanSeedsInFlight),
                rollout.wanSeedsPerSubnet,
                rollout.sourcePolicy));
        state.waiting = plan.waiting();
        int next = 0;
        for (int i = 0; i < plan.seeds(); i++) {
            progress.command(rollout, ready.get(next++), SourcePolicy.WAN_SEED, now);
        }
        for (int i = 0; i < plan.local(); i++) {
            progress.command(rollout, ready.get(next++), rollout.sourcePolicy, now);
        }
    }

    /** A commanded download that is (or will be) served by a peer of the subnet. */
    private static boolean occupiesPeerSlot(RolloutDevice row) {
        return (row.state == DeviceState.COMMANDED || row.state == DeviceState.DOWNLOADING)
                && row.commandPolicy != SourcePolicy.WAN_SEED
                && row.source != DownloadSource.WAN;
    }

    /** A seed that has not failed: while it is on its way to serving, the subnet gets no further seed. */
    private static boolean isOutstandingSeed(RolloutDevice row) {
        return row.commandPolicy == SourcePolicy.WAN_SEED
                && (row.state.isActive() || row.state == DeviceState.UPGRADED);
    }
}
