package io.peerlift.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a rollout for dashboards, published to {@link Topics#ROLLOUT_STATUS} keyed by rollout id.
 * Each snapshot is complete, so a reader needs only the latest one; {@code version} rises with every snapshot.
 *
 * @param deviceCounts devices per rollout device state (PENDING, INELIGIBLE, COMMANDED, DOWNLOADING,
 *                     INSTALLING, UPGRADED, FAILED, CANCELLED)
 */
public record RolloutStatus(String rolloutId, long folderId, String app, String targetVersion, String state,
                            String sourcePolicy, String stateReason, Map<String, Integer> deviceCounts,
                            long packageBytes, long wanBytes, long peerBytes, Instant createdAt, Instant startedAt,
                            Instant finishedAt, List<SubnetStatus> subnets, long version, Instant publishedAt) {

    public RolloutStatus {
        deviceCounts = deviceCounts == null ? Map.of() : Map.copyOf(deviceCounts);
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
    }

    /**
     * Progress of one subnet.
     *
     * @param peers        devices in the subnet that hold the target version and serve it (any folder)
     * @param peerSlots    their total upload capacity
     * @param waiting      why the subnet is not progressing (e.g. no peer under PEER_ONLY), null when it is
     * @param rounds       distinct download waves seen so far
     * @param peersOverTime the number of peers, sampled whenever it changed, from the rollout's start
     */
    public record SubnetStatus(String subnet, int devices, Map<String, Integer> deviceCounts, int initialPeers,
                               int peers, int peerSlots, int downloadsInFlight, int wanDownloads, int peerDownloads,
                               long wanBytes, long peerBytes, int rounds, String waiting, Instant lastUpgradeAt,
                               List<PeerSample> peersOverTime) {
        public SubnetStatus {
            deviceCounts = deviceCounts == null ? Map.of() : Map.copyOf(deviceCounts);
            peersOverTime = peersOverTime == null ? List.of() : List.copyOf(peersOverTime);
        }
    }

    /** {@code peers} peers at {@code secondsSinceStart} seconds after the rollout started. */
    public record PeerSample(double secondsSinceStart, int peers) {
    }
}
