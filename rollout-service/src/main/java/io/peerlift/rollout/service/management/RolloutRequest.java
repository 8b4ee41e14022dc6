package io.peerlift.rollout.service.management;

import io.peerlift.events.Distribution;
import io.peerlift.events.SourcePolicy;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * {@code POST /api/rollouts}. Omitted fields take the defaults below; {@code start} (default true) starts the
 * rollout at once, otherwise it waits in CREATED for {@code POST /api/rollouts/{id}/start}. With
 * {@code approvalRequired} (default {@code peerlift.rollout.approval.required}, which, when set, no request
 * can turn off) it first waits in WAITING_FOR_APPROVAL for an approver; {@code start} then means: start once
 * approved.
 */
public record RolloutRequest(@NotNull Long folderId,
                             @NotBlank String app,
                             @NotBlank String version,
                             String minSourceVersion,
                             SourcePolicy sourcePolicy,
                             @Min(0) Integer wanSeedsPerSubnet,
                             @Min(1) Integer maxConcurrentWanDownloads,
                             @Min(0) @Max(100) Integer errorThresholdPercent,
                             @Min(0) Integer retryLimit,
                             @Min(1) Integer deviceTimeoutSeconds,
                             Boolean start,
                             Distribution distribution,
                             @Min(1) @Max(1024) Integer maxSwarmPerSubnet,
                             Boolean approvalRequired,
                             Window maintenanceWindow) {

    /**
     * hawkBit's maintenance window: new upgrades are commanded only from each opening of {@code schedule} (a
     * Quartz cron expression) for {@code duration} ({@code HH:mm:ss}), read in {@code timeZone}.
     */
    public record Window(String schedule, String duration, String timeZone) {
    }

    public static final String DEFAULT_MIN_SOURCE_VERSION = "11.11.150";
    public static final int DEFAULT_WAN_SEEDS_PER_SUBNET = 1;
    public static final int DEFAULT_MAX_CONCURRENT_WAN_DOWNLOADS = 16;
    public static final int DEFAULT_ERROR_THRESHOLD_PERCENT = 20;
    public static final int DEFAULT_RETRY_LIMIT = 3;
    public static final int DEFAULT_DEVICE_TIMEOUT_SECONDS = 300;
    /** A subnet's swarm: up to 64 devices fetch from each other at once (a discovery round answers 64 at most). */
    public static final int DEFAULT_MAX_SWARM_PER_SUBNET = 64;

    public String minSourceVersionOrDefault() {
        return minSourceVersion == null ? DEFAULT_MIN_SOURCE_VERSION : minSourceVersion;
    }

    public SourcePolicy sourcePolicyOrDefault() {
        return sourcePolicy == null ? SourcePolicy.PEER_THEN_WAN : sourcePolicy;
    }

    public int wanSeedsPerSubnetOrDefault() {
        return wanSeedsPerSubnet == null ? DEFAULT_WAN_SEEDS_PER_SUBNET : wanSeedsPerSubnet;
    }

    public int maxConcurrentWanDownloadsOrDefault() {
        return maxConcurrentWanDownloads == null ? DEFAULT_MAX_CONCURRENT_WAN_DOWNLOADS : maxConcurrentWanDownloads;
    }

    public int errorThresholdPercentOrDefault() {
        return errorThresholdPercent == null ? DEFAULT_ERROR_THRESHOLD_PERCENT : errorThresholdPercent;
    }

    public int retryLimitOrDefault() {
        return retryLimit == null ? DEFAULT_RETRY_LIMIT : retryLimit;
    }

    public int deviceTimeoutSecondsOrDefault() {
        return deviceTimeoutSeconds == null ? DEFAULT_DEVICE_TIMEOUT_SECONDS : deviceTimeoutSeconds;
    }

    public Distribution distributionOrDefault() {
        return Distribution.orDefault(distribution);
    }

    public int maxSwarmPerSubnetOrDefault() {
        return maxSwarmPerSubnet == null ? DEFAULT_MAX_SWARM_PER_SUBNET : maxSwarmPerSubnet;
    }

    /** @param configured {@code peerlift.rollout.approval.required}: every rollout needs approval */
    public boolean approvalRequiredOr(boolean configured) {
        return configured || Boolean.TRUE.equals(approvalRequired);
    }

    public boolean startOrDefault() {
        return start == null || start;
    }
}
