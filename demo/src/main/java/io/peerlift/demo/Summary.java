package io.peerlift.demo;

import io.peerlift.events.AppManifest;
import io.peerlift.events.IdealSpread;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.SwarmBound;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's outcome as JSON. Every figure comes from the rollout's final status records, which the rollout
 * service measured from the devices' events: nothing here is derived from the parameters. Each subnet is set
 * against its whole-file doubling ideal: as many rounds as the peers need to cover the subnet when each serves
 * {@code limitOfConnections} devices per round (one more round for the WAN seed where no peer was), each round
 * as long as the subnet's devices measured a transfer, an install and a reboot to take (their medians). Beside
 * it stands the piece-scheduled bound ({@link SwarmBound}): T* for the devices to reach at the fleet's upload rate,
 * plus one install and one reboot (the medians again), which a swarm is judged by.
 */
final class Summary {

    private Summary() {
    }

    static Map<String, Object> of(RolloutWatcher.Progress progress, FleetParameters params) {
        RolloutStatus.Summary status = progress.summary();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("rolloutId", status.rolloutId());
        summary.put("state", status.state());
        summary.put("params", params);
        summary.put("packageBytes", status.packageBytes());
        summary.put("wanBytes", status.wanBytes());
        summary.put("peerBytes", status.peerBytes());
        Map<String, Integer> counts = status.deviceCounts();
        Map<String, Object> devices = new LinkedHashMap<>();
        devices.put("total", counts.values().stream().mapToInt(Integer::intValue).sum());
        devices.put("upgraded", counts.getOrDefault("UPGRADED", 0));
        devices.put("failed", counts.getOrDefault("FAILED", 0));
        devices.put("ineligible", counts.getOrDefault("INELIGIBLE", 0));
        devices.put("alreadyCurrent", counts.getOrDefault("CURRENT", 0));
        summary.put("devices", devices);
        List<Map<String, Object>> subnets = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> swarmRatios = new ArrayList<>();
        for (RolloutStatus.SubnetStatus subnet : progress.subnets()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("subnet", subnet.subnet());
            row.put("devices", subnet.devices());
            row.put("initialPeers", subnet.initialPeers());
            row.put("upgraded", subnet.deviceCounts().getOrDefault("UPGRADED", 0));
            row.put("failed", subnet.deviceCounts().getOrDefault("FAILED", 0));
            row.put("wanDownloads", subnet.wanDownloads());
            row.put("peerDownloads", subnet.peerDownloads());
            Double seconds = secondsBetween(status.startedAt(), subnet.lastUpgradeAt());
            row.put("seconds", seconds);
            row.put("rounds", subnet.rounds());
            row.put("medianTransferSeconds", seconds(subnet.medianTransferMillis()));
            row.put("medianInstallSeconds", seconds(subnet.medianInstallMillis()));
            row.put("medianRebootSeconds", seconds(subnet.medianRebootMillis()));
            int eligible = subnet.devices() - subnet.deviceCounts().getOrDefault("INELIGIBLE", 0);
            int idealRounds = IdealSpread.rounds(subnet.initialPeers(), eligible, params.limitOfConnections());
            row.put("idealRounds", idealRounds);
            Double roundSeconds = roundSeconds(subnet);
            Double idealSeconds = roundSeconds == null ? null : idealRounds * roundSeconds;
            row.put("idealSeconds", idealSeconds);
            Double ratio = seconds == null || idealSeconds == null || idealSeconds == 0 ? null : seconds / idealSeconds;
            row.put("ratioToIdeal", ratio);
            if (ratio != null) {
                ratios.add(ratio);
            }
            Double swarmSeconds = swarmBoundSeconds(status.packageBytes(), params, eligible - subnet.initialPeers());
            row.put("swarmBoundSeconds", swarmSeconds);
            Double swarmIdeal = swarmSeconds == null || subnet.medianInstallMillis() == null
                    || subnet.medianRebootMillis() == null ? null
                    : swarmSeconds + (subnet.medianInstallMillis() + subnet.medianRebootMillis()) / 1000.0;
            row.put("swarmIdealSeconds", swarmIdeal);
            Double swarmRatio = seconds == null || swarmIdeal == null ? null : seconds / swarmIdeal;
            row.put("ratioToSwarmIdeal", swarmRatio);
            if (swarmRatio != null) {
                swarmRatios.add(swarmRatio);
            }
            subnets.add(row);
        }
        summary.put("subnets", subnets);
        summary.put("seconds", secondsBetween(status.startedAt(), status.finishedAt()));
        summary.put("ratioToIdeal", medianAndWorst(ratios));
        summary.put("ratioToSwarmIdeal", medianAndWorst(swarmRatios));
        return summary;
    }

    private static Map<String, Double> medianAndWorst(List<Double> ratios) {
        return ratios.isEmpty() ? null : Map.of(
                "median", ratios.stream().sorted().toList().get(ratios.size() / 2),
                "worst", ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    /** T* for {@code devices} at the fleet's upload rate; null when uploads are unlimited or none is to reach. */
    static Double swarmBoundSeconds(long packageBytes, FleetParameters params, int devices) {
        if (params.uploadRateMib() == 0 || devices < 1 || packageBytes < 1) {
            return null;
        }
        int chunks = (int) ((packageBytes + AppManifest.DEFAULT_CHUNK_SIZE - 1) / AppManifest.DEFAULT_CHUNK_SIZE);
        return SwarmBound.seconds(packageBytes, (long) params.uploadRateMib() << 20, devices, chunks);
    }

    private static Double roundSeconds(RolloutStatus.SubnetStatus subnet) {
        Long millis = IdealSpread.roundMillis(subnet.medianTransferMillis(), subnet.medianInstallMillis(),
                subnet.medianRebootMillis());
        return millis == null ? null : millis / 1000.0;
    }

    private static Double seconds(Long millis) {
        return millis == null ? null : millis / 1000.0;
    }

    private static Double secondsBetween(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis() / 1000.0;
    }
}
