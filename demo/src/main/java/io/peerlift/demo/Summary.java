package io.peerlift.demo;

import io.peerlift.events.RolloutStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's outcome as JSON. Every figure comes from the rollout's final status snapshot, which the rollout
 * service measured from the devices' events: nothing here is derived from the parameters.
 */
final class Summary {

    private Summary() {
    }

    static Map<String, Object> of(RolloutStatus status, FleetParameters params) {
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
        for (RolloutStatus.SubnetStatus subnet : status.subnets()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("subnet", subnet.subnet());
            row.put("devices", subnet.devices());
            row.put("initialPeers", subnet.initialPeers());
            row.put("upgraded", subnet.deviceCounts().getOrDefault("UPGRADED", 0));
            row.put("failed", subnet.deviceCounts().getOrDefault("FAILED", 0));
            row.put("wanDownloads", subnet.wanDownloads());
            row.put("peerDownloads", subnet.peerDownloads());
            row.put("seconds", secondsBetween(status.startedAt(), subnet.lastUpgradeAt()));
            row.put("rounds", subnet.rounds());
            subnets.add(row);
        }
        summary.put("subnets", subnets);
        summary.put("seconds", secondsBetween(status.startedAt(), status.finishedAt()));
        return summary;
    }

    private static Double secondsBetween(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis() / 1000.0;
    }
}
