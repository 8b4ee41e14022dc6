package io.peerlift.rollout.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sums over a set of a rollout's devices (a subnet, or the whole rollout) of what each contributes: one to
 * the count of its state and to the derived counts the scheduler plans with, its bytes, downloads and failed
 * attempts. Every change of a device adds the difference of its contribution ({@link #move}), so the sums
 * always equal a recount without anything ever counting again.
 */
@Embeddable
public class DeviceCounts {

    public int pending;
    public int ineligible;
    @Column(name = "current_version")
    public int current;
    public int commanded;
    public int downloading;
    public int installing;
    public int upgraded;
    public int failed;
    public int cancelled;
    /** Downloads in flight that a peer of the subnet serves (or will). */
    @Column(name = "peer_slots_taken")
    public int peerSlotsTaken;
    /** WAN seeds commanded and not failed: the subnet gets no further seed while one is on its way. */
    @Column(name = "seeds_outstanding")
    public int seedsOutstanding;
    /** Upgraded WAN seeds that did not serve in time and were replaced: the stall guard's doing. */
    @Column(name = "seeds_expired")
    public int seedsExpired;
    /** WAN seeds still downloading, against the rollout's maxConcurrentWanDownloads. */
    @Column(name = "seeds_downloading")
    public int seedsDownloading;
    /** WAN seeds that verified a first chunk and are still downloading: in a swarm, they already serve. */
    @Column(name = "seeds_with_chunks")
    public int seedsWithChunks;
    @Column(name = "wan_downloads")
    public int wanDownloads;
    @Column(name = "peer_downloads")
    public int peerDownloads;
    @Column(name = "failed_attempts")
    public int failedAttempts;
    @Column(name = "wan_bytes")
    public long wanBytes;
    @Column(name = "peer_bytes")
    public long peerBytes;

    public DeviceCounts() {
    }

    /** Adds another set's sums: the rollout's counts are the sums of its subnets'. */
    public void add(DeviceCounts other) {
        pending += other.pending;
        ineligible += other.ineligible;
        current += other.current;
        commanded += other.commanded;
        downloading += other.downloading;
        installing += other.installing;
        upgraded += other.upgraded;
        failed += other.failed;
        cancelled += other.cancelled;
        peerSlotsTaken += other.peerSlotsTaken;
        seedsOutstanding += other.seedsOutstanding;
        seedsExpired += other.seedsExpired;
        seedsDownloading += other.seedsDownloading;
        seedsWithChunks += other.seedsWithChunks;
        wanDownloads += other.wanDownloads;
        peerDownloads += other.peerDownloads;
        failedAttempts += other.failedAttempts;
        wanBytes += other.wanBytes;
        peerBytes += other.peerBytes;
    }

    /** A device changed from {@code before} to {@code after}; null for a device that joins or leaves. */
    public void move(DeviceProgress before, DeviceProgress after) {
        if (before != null) {
            add(before, -1);
        }
        if (after != null) {
            add(after, 1);
        }
    }

    private void add(DeviceProgress device, int sign) {
        switch (device.state()) {
            case PENDING -> pending += sign;
            case INELIGIBLE -> ineligible += sign;
            case CURRENT -> current += sign;
            case COMMANDED -> commanded += sign;
            case DOWNLOADING -> downloading += sign;
            case INSTALLING -> installing += sign;
            case UPGRADED -> upgraded += sign;
            case FAILED -> failed += sign;
            case CANCELLED -> cancelled += sign;
        }
        peerSlotsTaken += device.occupiesPeerSlot() ? sign : 0;
        seedsOutstanding += device.isOutstandingSeed() ? sign : 0;
        seedsExpired += device.isExpiredSeed() ? sign : 0;
        seedsDownloading += device.isSeedDownloading() ? sign : 0;
        seedsWithChunks += device.isSeedWithChunks() ? sign : 0;
        wanDownloads += sign * device.wanDownloads();
        peerDownloads += sign * device.peerDownloads();
        failedAttempts += sign * device.failedAttempts();
        wanBytes += sign * device.wanBytes();
        peerBytes += sign * device.peerBytes();
    }

    /** What {@link SubnetPlanner} plans with: a change that leaves these as they were needs no new plan. */
    public record PlanInputs(int pending, int peerSlotsTaken, int seedsOutstanding, int seedsExpired,
                             int seedsDownloading, int seedsWithChunks, int downloading) {
    }

    public PlanInputs planInputs() {
        return new PlanInputs(pending, peerSlotsTaken, seedsOutstanding, seedsExpired, seedsDownloading,
                seedsWithChunks, commanded + downloading);
    }

    public int of(DeviceState state) {
        return switch (state) {
            case PENDING -> pending;
            case INELIGIBLE -> ineligible;
            case CURRENT -> current;
            case COMMANDED -> commanded;
            case DOWNLOADING -> downloading;
            case INSTALLING -> installing;
            case UPGRADED -> upgraded;
            case FAILED -> failed;
            case CANCELLED -> cancelled;
        };
    }

    public int total() {
        return pending + ineligible + current + commanded + downloading + installing + upgraded + failed + cancelled;
    }

    /** Devices that still have something to do: pending or on their way. */
    public int unfinished() {
        return pending + commanded + downloading + installing;
    }

    public int inFlight() {
        return commanded + downloading + installing;
    }

    /** Every state with its count, zeros included, in the contract's order. */
    public Map<String, Integer> byState() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DeviceState state : DeviceState.values()) {
            counts.put(state.name(), of(state));
        }
        return counts;
    }
}
