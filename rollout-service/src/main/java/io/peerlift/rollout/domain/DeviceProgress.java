package io.peerlift.rollout.domain;

import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;

import java.time.Instant;
import java.util.UUID;

/**
 * What a rollout knows about one of its devices: the value {@link DeviceLifecycle} maps to the next one. Bytes,
 * downloads and failed attempts only ever grow, so the sums of a subnet's devices are kept by adding the
 * difference of each change ({@link DeviceCounts}).
 *
 * @param attempts      Upgrade commands sent so far; the next one is attempt {@code attempts + 1}
 * @param commandId     the Upgrade of the current attempt: only events answering it count
 * @param commandPolicy the source policy of that Upgrade: WAN_SEED, or the rollout's own policy
 * @param source        where the current attempt's download comes from, as the device reported
 * @param round         the download round: one more than the round of the peer it came from, 1 for the WAN
 * @param retryAt       a failed device waits in PENDING until then before it is commanded again
 * @param seedExpiry    why an upgraded WAN seed no longer counts as its subnet's seed (it did not serve), null
 *                      while it counts
 */
public record DeviceProgress(DeviceState state, int attempts, UUID commandId, SourcePolicy commandPolicy,
                             DownloadSource source, int round, String osVersion, Instant commandedAt,
                             Instant lastActivityAt, Instant retryAt, Instant finishedAt, String failureReason,
                             long wanBytes, long peerBytes, int wanDownloads, int peerDownloads, int failedAttempts,
                             Long transferMillis, Long installMillis, Long rebootMillis, String seedExpiry) {

    /** A device the rollout has just taken in. */
    public static DeviceProgress joining(DeviceState state, String osVersion) {
        return new DeviceProgress(state, 0, null, null, null, 0, osVersion, null, null, null, null, null, 0, 0, 0, 0,
                0, null, null, null, null);
    }

    /** A commanded download that is (or will be) served by a peer of the subnet. */
    public boolean occupiesPeerSlot() {
        return state.isDownloading() && commandPolicy != SourcePolicy.WAN_SEED && source != DownloadSource.WAN;
    }

    /**
     * A WAN seed that has not failed and has not been expired: while it is on its way to serving, its subnet gets
     * no further seed.
     */
    public boolean isOutstandingSeed() {
        return commandPolicy == SourcePolicy.WAN_SEED
                && (state.isActive() || state == DeviceState.UPGRADED && seedExpiry == null);
    }

    /** An upgraded WAN seed expired as its subnet's seed: it did not serve the target in time. */
    public boolean isExpiredSeed() {
        return commandPolicy == SourcePolicy.WAN_SEED && seedExpiry != null;
    }

    /** A WAN seed still downloading: it holds one of the rollout's {@code maxConcurrentWanDownloads}. */
    public boolean isSeedDownloading() {
        return commandPolicy == SourcePolicy.WAN_SEED && state.isDownloading();
    }

    /**
     * A WAN seed whose download started: a swarming device reports that at its first verified chunk, from which
     * on it serves what it verified.
     */
    public boolean isSeedWithChunks() {
        return commandPolicy == SourcePolicy.WAN_SEED && state == DeviceState.DOWNLOADING;
    }

    DeviceProgress withState(DeviceState next) {
        return new DeviceProgress(next, attempts, commandId, commandPolicy, source, round, osVersion, commandedAt,
                lastActivityAt, retryAt, finishedAt, failureReason, wanBytes, peerBytes, wanDownloads, peerDownloads,
                failedAttempts, transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress commanded(UUID command, SourcePolicy policy, Instant at) {
        return new DeviceProgress(DeviceState.COMMANDED, attempts + 1, command, policy, null, round, osVersion, at, at,
                null, finishedAt, failureReason, wanBytes, peerBytes, wanDownloads, peerDownloads, failedAttempts,
                transferMillis, installMillis, rebootMillis, null);
    }

    DeviceProgress activeAt(Instant at) {
        return new DeviceProgress(state, attempts, commandId, commandPolicy, source, round, osVersion, commandedAt, at,
                retryAt, finishedAt, failureReason, wanBytes, peerBytes, wanDownloads, peerDownloads, failedAttempts,
                transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress downloading(DownloadSource from, int downloadRound) {
        return new DeviceProgress(DeviceState.DOWNLOADING, attempts, commandId, commandPolicy, from, downloadRound,
                osVersion, commandedAt, lastActivityAt, retryAt, finishedAt, failureReason, wanBytes, peerBytes,
                wanDownloads, peerDownloads, failedAttempts, transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress downloaded(DownloadSource from, long wan, long peer, long transfer) {
        boolean fromWan = from == DownloadSource.WAN;
        return new DeviceProgress(state, attempts, commandId, commandPolicy, from, round, osVersion, commandedAt,
                lastActivityAt, retryAt, finishedAt, failureReason, wanBytes + wan, peerBytes + peer,
                wanDownloads + (fromWan ? 1 : 0), peerDownloads + (fromWan ? 0 : 1), failedAttempts, transfer,
                installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress transferred(long wan, long peer) {
        return new DeviceProgress(state, attempts, commandId, commandPolicy, source, round, osVersion, commandedAt,
                lastActivityAt, retryAt, finishedAt, failureReason, wanBytes + wan, peerBytes + peer, wanDownloads,
                peerDownloads, failedAttempts, transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress upgraded(String newOsVersion, Instant at, long install, long reboot) {
        return new DeviceProgress(DeviceState.UPGRADED, attempts, commandId, commandPolicy, source, round,
                newOsVersion, commandedAt, lastActivityAt, retryAt, at, null, wanBytes, peerBytes, wanDownloads,
                peerDownloads, failedAttempts, transferMillis, install, reboot, seedExpiry);
    }

    DeviceProgress failed(DeviceState next, String reason, Instant retry, Instant finished) {
        return new DeviceProgress(next, attempts, commandId, commandPolicy, source, round, osVersion, commandedAt,
                lastActivityAt, retry, finished, reason, wanBytes, peerBytes, wanDownloads, peerDownloads,
                failedAttempts + 1, transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress retried() {
        return new DeviceProgress(DeviceState.PENDING, attempts, commandId, commandPolicy, source, round, osVersion,
                commandedAt, lastActivityAt, null, null, failureReason, wanBytes, peerBytes, wanDownloads,
                peerDownloads, failedAttempts, transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress finished(DeviceState next, Instant at) {
        return new DeviceProgress(next, attempts, commandId, commandPolicy, source, round, osVersion, commandedAt,
                lastActivityAt, retryAt, at, failureReason, wanBytes, peerBytes, wanDownloads, peerDownloads,
                failedAttempts, transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    DeviceProgress seedExpired(String reason) {
        return new DeviceProgress(state, attempts, commandId, commandPolicy, source, round, osVersion, commandedAt,
                lastActivityAt, retryAt, finishedAt, failureReason, wanBytes, peerBytes, wanDownloads, peerDownloads,
                failedAttempts, transferMillis, installMillis, rebootMillis, reason);
    }

    DeviceProgress reassessed(DeviceState byVersion, String version) {
        return new DeviceProgress(byVersion, attempts, commandId, commandPolicy, source, round, version, commandedAt,
                lastActivityAt, retryAt, finishedAt, failureReason, wanBytes, peerBytes, wanDownloads, peerDownloads,
                failedAttempts, transferMillis, installMillis, rebootMillis, seedExpiry);
    }
}
