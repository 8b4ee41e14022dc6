package io.peerlift.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The records of {@link Topics#ROLLOUT_STATUS}, a compacted topic: one {@link Summary} per rollout (keyed by the
 * rollout id) and one {@link SubnetStatus} per subnet of a rollout (keyed by rollout id and subnet, see
 * {@link #key()}). Each record is complete for its key, so a reader keeps the one with the highest
 * {@code version} per key; the size of a record does not grow with the fleet.
 *
 * @see #DEVICE_STATES the states that {@code deviceCounts} counts
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RolloutStatus.Summary.class, name = "Summary"),
        @JsonSubTypes.Type(value = RolloutStatus.SubnetStatus.class, name = "SubnetStatus"),
})
public sealed interface RolloutStatus {

    /** The device states of a rollout, in the order readers show them; {@code deviceCounts} has every one. */
    List<String> DEVICE_STATES = List.of("PENDING", "INELIGIBLE", "CURRENT", "COMMANDED", "DOWNLOADING",
            "INSTALLING", "UPGRADED", "FAILED", "CANCELLED");

    String rolloutId();

    /** Rises with every record of the same key. */
    long version();

    Instant publishedAt();

    /** The Kafka key: the rollout id for its summary, {@code <rollout id> <subnet>} for a subnet. */
    @JsonIgnore
    String key();

    static String subnetKey(String rolloutId, String subnet) {
        return rolloutId + " " + subnet;
    }

    /**
     * A rollout as a whole.
     *
     * @param deviceCounts   devices per state over all subnets (and those whose subnet is not known yet)
     * @param subnets        subnets with devices of the rollout
     * @param subnetStates   subnets per {@link SubnetStatus#state()}
     * @param lastProgressAt when a device of the rollout last changed state
     * @param distribution   WHOLE_FILE or SWARM ({@link Distribution}); a producer older than it sends none, which
     *                       reads as WHOLE_FILE
     * @param packageChunks  the package's chunks (M of {@link SwarmBound}), 0 when not known
     * @param pauses         the rollout's pauses (by an operator or on errors), oldest first, at most
     *                       {@link #MAX_PAUSES} (the newest); the last one has no end while the rollout is paused
     */
    record Summary(String rolloutId, long folderId, String app, String targetVersion, String state,
                   String sourcePolicy, String stateReason, Map<String, Integer> deviceCounts, int subnets,
                   Map<String, Integer> subnetStates, long packageBytes, long wanBytes, long peerBytes,
                   Instant createdAt, Instant startedAt, Instant lastProgressAt, Instant finishedAt, long version,
                   Instant publishedAt, String distribution, @DeviceEvent.OlderProducer int packageChunks,
                   List<Pause> pauses)
            implements RolloutStatus {

        /** Pauses a summary carries, so that its size stays bounded however often a rollout is paused. */
        public static final int MAX_PAUSES = 32;

        public Summary {
            deviceCounts = deviceCounts == null ? Map.of() : Map.copyOf(deviceCounts);
            subnetStates = subnetStates == null ? Map.of() : Map.copyOf(subnetStates);
            distribution = distribution == null ? Distribution.WHOLE_FILE.name() : distribution;
            pauses = pauses == null ? List.of()
                    : List.copyOf(pauses.subList(Math.max(0, pauses.size() - MAX_PAUSES), pauses.size()));
        }

        @JsonIgnore
        public boolean swarms() {
            return Distribution.SWARM.name().equals(distribution);
        }

        /**
         * How much of the time from {@code from} to {@code to} the rollout was paused (a pause still on lasts
         * until {@code to}): a paused rollout commands nobody, so that time does not count against its spread.
         */
        public long pausedMillis(Instant from, Instant to) {
            long paused = 0;
            for (Pause pause : pauses) {
                Instant start = pause.from().isAfter(from) ? pause.from() : from;
                Instant end = pause.until() == null || pause.until().isAfter(to) ? to : pause.until();
                if (end.isAfter(start)) {
                    paused += Duration.between(start, end).toMillis();
                }
            }
            return paused;
        }

        @Override
        public String key() {
            return rolloutId;
        }
    }

    /**
     * Progress of one subnet of a rollout.
     *
     * @param state                PENDING (nothing commanded yet), SEEDING (WAN seeds on their way, no peer yet),
     *                             SPREADING (peers serve the subnet), WAITING (devices wait and nothing can move,
     *                             see {@code waiting}) or DONE (nothing left to do)
     * @param peers                devices in the subnet that hold the target version and serve it (any folder)
     * @param peerSlots            their total upload capacity
     * @param failedAttempts       attempts that failed (a device retried twice counts twice)
     * @param rounds               the highest download round: a device is one round after the peer it used
     * @param waiting              why the subnet is not progressing, null when it is
     * @param startedAt            when the first Upgrade of the subnet was commanded
     * @param lastProgressAt       when a device of the subnet last changed state
     * @param stalledSince         since when devices wait and nothing can move, null while the subnet moves
     * @param medianTransferMillis median transfer time of the subnet's downloads, as the devices measured it
     * @param medianInstallMillis  median install time, as the devices measured it
     * @param medianRebootMillis   median reboot time, as the devices measured it
     * @param peersOverTime        the number of peers, sampled whenever it changed, from the rollout's start
     *                             (at most one sample per peer, so bounded by the subnet's size)
     * @param uploadBytesPerSecond the median upload capacity the subnet's devices report (u of
     *                             {@link SwarmBound}), null while none reports a cap
     * @param httpsPeers           of {@code peers}, those that serve over HTTPS too (0 from a producer older than
     *                             HTTPS peers)
     */
    record SubnetStatus(String rolloutId, String subnet, String state, int devices, Map<String, Integer> deviceCounts,
                        int initialPeers, int peers, int peerSlots, int downloadsInFlight, int wanDownloads,
                        int peerDownloads, int failedAttempts, long wanBytes, long peerBytes, int rounds,
                        String waiting, Instant startedAt, Instant lastProgressAt, Instant stalledSince,
                        Instant lastUpgradeAt, Long medianTransferMillis, Long medianInstallMillis,
                        Long medianRebootMillis, List<PeerSample> peersOverTime, long version, Instant publishedAt,
                        Long uploadBytesPerSecond, @DeviceEvent.OlderProducer int httpsPeers)
            implements RolloutStatus {

        public SubnetStatus {
            deviceCounts = deviceCounts == null ? Map.of() : Map.copyOf(deviceCounts);
            peersOverTime = peersOverTime == null ? List.of() : List.copyOf(peersOverTime);
        }

        @Override
        public String key() {
            return subnetKey(rolloutId, subnet);
        }
    }

    /** A pause of a rollout, from {@code from} until {@code until}, null while it lasts. */
    record Pause(Instant from, Instant until) {
    }

    /** {@code peers} peers at {@code secondsSinceStart} seconds after the rollout started. */
    record PeerSample(double secondsSinceStart, int peers) {
    }
}
