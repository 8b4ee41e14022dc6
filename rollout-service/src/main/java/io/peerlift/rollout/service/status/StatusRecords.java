package io.peerlift.rollout.service.status;

import io.peerlift.events.RolloutStatus;
import io.peerlift.rollout.domain.AppPackage;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceCounts;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutPause;
import io.peerlift.rollout.domain.RolloutSubnet;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rollout's status records, read from its subnets' counts: what the status topic carries and what the REST
 * API answers. A summary reads one small row per subnet, a subnet record its own row and the medians of its
 * devices; neither reads every device of the rollout.
 */
public final class StatusRecords {

    private StatusRecords() {
    }

    /** The rollout's summary; {@code version} is the one it is published under (0 for the REST API). */
    public static RolloutStatus.Summary summary(Rollout rollout, long version, Instant now) {
        DeviceCounts totals = new DeviceCounts();
        Map<String, Integer> phases = new TreeMap<>();
        Instant lastProgress = null;
        int subnets = 0;
        for (Object[] row : RolloutSubnet.getEntityManager().createQuery("""
                        select s.counts, s.peers, s.waiting, s.subnet, s.lastProgressAt from RolloutSubnet s
                        where s.rolloutId = ?1""", Object[].class)
                .setParameter(1, rollout.id)
                .getResultList()) {
            DeviceCounts counts = (DeviceCounts) row[0];
            totals.add(counts);
            Instant progress = (Instant) row[4];
            if (progress != null && (lastProgress == null || progress.isAfter(lastProgress))) {
                lastProgress = progress;
            }
            if (row[3] != null && counts.total() > 0) {
                subnets++;
                phases.merge(RolloutSubnet.phase(counts, (Integer) row[1], row[2] != null), 1, Integer::sum);
            }
        }
        return new RolloutStatus.Summary(rollout.id, rollout.folderId, rollout.app, rollout.version,
                rollout.state.name(), rollout.sourcePolicy.name(), rollout.stateReason, totals.byState(), subnets,
                phases, rollout.packageBytes, totals.wanBytes, totals.peerBytes, rollout.createdAt, rollout.startedAt,
                lastProgress, rollout.finishedAt, version, now, rollout.distribution.name(), chunksOf(rollout),
                RolloutPause.newest(rollout.id, RolloutStatus.Summary.MAX_PAUSES));
    }

    /** M of the swarm bound: the chunks of the rollout's package, 0 when the repository no longer has it. */
    private static int chunksOf(Rollout rollout) {
        return AppPackage.find(rollout.app, rollout.version).map(AppPackage::chunkCount).orElse(0);
    }

    /** The records of the given subnets of the rollout, each under its own {@code statusVersion}. */
    public static List<RolloutStatus.SubnetStatus> subnets(Rollout rollout, Collection<RolloutSubnet> subnets,
                                                           Instant now) {
        List<RolloutSubnet> located = subnets.stream().filter(s -> s.subnet != null).toList();
        List<String> names = located.stream().map(s -> s.subnet).toList();
        Map<String, RolloutDevice.Medians> medians = RolloutDevice.medians(rollout.id, names);
        Map<String, Long> uploadCapacity = Device.medianUploadCapacity(names);
        return located.stream().map(s -> subnet(rollout, s,
                medians.getOrDefault(s.subnet, RolloutDevice.Medians.NONE), uploadCapacity.get(s.subnet), now))
                .toList();
    }

    private static RolloutStatus.SubnetStatus subnet(Rollout rollout, RolloutSubnet s, RolloutDevice.Medians medians,
                                                     Long uploadBytesPerSecond, Instant now) {
        DeviceCounts c = s.counts;
        return new RolloutStatus.SubnetStatus(rollout.id, s.subnet, s.phase(), c.total(), c.byState(),
                s.initialPeers, s.peers, s.peerSlots, c.commanded + c.downloading, c.wanDownloads, c.peerDownloads,
                c.failedAttempts, c.wanBytes, c.peerBytes, s.rounds, s.waiting, s.startedAt, s.lastProgressAt,
                s.stalledSince, s.lastUpgradeAt, medians.transferMillis(), medians.installMillis(),
                medians.rebootMillis(), s.peerSamples(), s.statusVersion, now, uploadBytesPerSecond, s.httpsPeers);
    }
}
