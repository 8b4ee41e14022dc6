package io.peerlift.rollout.service.management;

import io.peerlift.events.Distribution;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.DeviceCounts;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutState;

import java.time.Instant;
import java.util.Map;

/**
 * A rollout as the REST API shows it; {@code seedsExpired} counts the WAN seeds that upgraded but did not serve
 * their subnet in time and were replaced (each device's {@code seedExpiry} says why). {@code createdBy} may not
 * approve it; {@code approvalDecidedBy}, {@code approvalDecidedAt} and {@code approvalRemark} record the decision.
 * {@code maintenanceWindow} is null for a rollout without one.
 */
public record RolloutView(String id, long folderId, String app, String version, String manifestSha256,
                          long packageBytes, String minSourceVersion, SourcePolicy sourcePolicy,
                          int wanSeedsPerSubnet, int maxConcurrentWanDownloads, Distribution distribution,
                          int maxSwarmPerSubnet, int errorThresholdPercent,
                          int retryLimit, int deviceTimeoutSeconds, RolloutState state, String stateReason,
                          int devices, Map<String, Integer> deviceCounts, int seedsExpired, long wanBytes,
                          long peerBytes,
                          long repositoryBytes, Instant createdAt, Instant startedAt, Instant finishedAt,
                          String forcedStart, Instant archivedAt, boolean approvalRequired, String createdBy,
                          String approvalDecidedBy, Instant approvalDecidedAt, String approvalRemark,
                          RolloutRequest.Window maintenanceWindow) {

    static RolloutView of(Rollout r, DeviceCounts totals) {
        return new RolloutView(r.id, r.folderId, r.app, r.version, r.manifestSha256, r.packageBytes,
                r.minSourceVersion, r.sourcePolicy, r.wanSeedsPerSubnet, r.maxConcurrentWanDownloads, r.distribution,
                r.maxSwarmPerSubnet,
                r.errorThresholdPercent, r.retryLimit, r.deviceTimeoutSeconds, r.state, r.stateReason,
                totals.total(), totals.byState(), totals.seedsExpired, totals.wanBytes, totals.peerBytes, r.repositoryBytes, r.createdAt,
                r.startedAt, r.finishedAt, r.forcedStart, r.archivedAt, r.approvalRequired, r.createdBy,
                r.approvalDecidedBy, r.approvalDecidedAt, r.approvalRemark, r.windowSchedule == null ? null
                        : new RolloutRequest.Window(r.windowSchedule, r.windowDuration, r.windowTimeZone));
    }
}
