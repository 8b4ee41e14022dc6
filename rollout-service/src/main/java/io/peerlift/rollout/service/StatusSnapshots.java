package io.peerlift.rollout.service;

import io.peerlift.events.RolloutStatus;
import io.peerlift.events.RolloutStatus.SubnetStatus;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutSubnet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Reads a rollout's complete picture from the database: for the status topic and the REST API alike. */
@ApplicationScoped
public class StatusSnapshots {

    public RolloutStatus snapshot(Rollout rollout, long version) {
        List<RolloutDevice> rows = RolloutDevice.ofRollout(rollout.id);
        return new RolloutStatus(rollout.id, rollout.folderId, rollout.app, rollout.version, rollout.state.name(),
                rollout.sourcePolicy.name(), rollout.stateReason, countByState(rows), rollout.packageBytes,
                rollout.wanBytes, rollout.peerBytes, rollout.createdAt, rollout.startedAt, rollout.finishedAt,
                subnets(rollout.id, rows), version, Instant.now());
    }

    public RolloutView view(Rollout rollout) {
        return RolloutView.of(rollout, countByState(RolloutDevice.ofRollout(rollout.id)));
    }

    public List<SubnetStatus> subnets(Rollout rollout) {
        return subnets(rollout.id, RolloutDevice.ofRollout(rollout.id));
    }

    private static List<SubnetStatus> subnets(String rolloutId, List<RolloutDevice> rows) {
        Map<String, List<RolloutDevice>> bySubnet = rows.stream().filter(r -> r.subnet != null)
                .collect(Collectors.groupingBy(r -> r.subnet, TreeMap::new, Collectors.toList()));
        Map<String, RolloutSubnet> tracked = RolloutSubnet.ofRollout(rolloutId).stream()
                .collect(Collectors.toMap(s -> s.subnet, s -> s));
        List<SubnetStatus> result = new ArrayList<>();
        for (Map.Entry<String, List<RolloutDevice>> entry : bySubnet.entrySet()) {
            RolloutSubnet s = tracked.getOrDefault(entry.getKey(), new RolloutSubnet());
            List<RolloutDevice> devices = entry.getValue();
            int inFlight = (int) devices.stream()
                    .filter(d -> d.state == DeviceState.COMMANDED || d.state == DeviceState.DOWNLOADING).count();
            result.add(new SubnetStatus(entry.getKey(), devices.size(), countByState(devices), s.initialPeers,
                    s.peers, s.peerSlots, inFlight, s.wanDownloads, s.peerDownloads, s.wanBytes, s.peerBytes,
                    s.rounds, s.waiting, s.lastUpgradeAt, s.peerSamples()));
        }
        return result;
    }

    /** Every state with its count, zeros included, so readers see a stable shape. */
    static Map<String, Integer> countByState(List<RolloutDevice> rows) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DeviceState state : DeviceState.values()) {
            counts.put(state.name(), 0);
        }
        rows.forEach(r -> counts.merge(r.state.name(), 1, Integer::sum));
        return counts;
    }
}
