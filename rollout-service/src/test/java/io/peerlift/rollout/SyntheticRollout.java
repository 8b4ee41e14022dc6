package io.peerlift.rollout;

import io.peerlift.events.IdealSpread;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.peerlift.events.RolloutStatus.SubnetStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status records of a rollout over many subnets of 50 devices, as rollout-service would publish them two
 * minutes in: subnets started one after another over 78 s, each spreading some times slower than its ideal
 * (rounds of 0.5 s transfer + 1 s install + 3 s reboot), every fifth seeded from the WAN, some stalled, some
 * with failures, and one ({@link #slowest()}) stalled from its very start, the worst by far.
 */
final class SyntheticRollout {

    static final int DEVICES_PER_SUBNET = 50;
    static final long TRANSFER = 500;
    static final long INSTALL = 1000;
    static final long REBOOT = 3000;
    static final long ROUND = TRANSFER + INSTALL + REBOOT;
    static final Duration AGE = Duration.ofSeconds(120);
    static final String STALLED_WAITING = "no peer in the subnet serves the target yet: waiting for its 1 WAN seed(s)";

    private final String rolloutId;
    private final int subnets;
    private final Instant startedAt;

    SyntheticRollout(String rolloutId, int subnets, Instant now) {
        this.rolloutId = rolloutId;
        this.subnets = subnets;
        this.startedAt = now.minus(AGE);
    }

    String rolloutId() {
        return rolloutId;
    }

    static String subnet(int i) {
        return "10." + (i / 250) + "." + (i % 250) + ".0/24";
    }

    /** The subnet stalled since its start, two minutes ago: its ratio is far beyond anyone else's. */
    String slowest() {
        return subnet(subnets * 5 / 8);
    }

    static boolean stalled(int i) {
        return i % 97 == 3;
    }

    static boolean failing(int i) {
        return i % 50 == 7;
    }

    /** Every subnet's record at {@code version}, then the summary; {@code extraBytes} moves every subnet's WAN bytes. */
    List<RolloutStatus> records(long version, long extraBytes) {
        List<SubnetStatus> statuses = new ArrayList<>();
        for (int i = 0; i < subnets; i++) {
            statuses.add(subnetStatus(i, version, extraBytes));
        }
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, Integer> states = new TreeMap<>();
        statuses.forEach(s -> {
            s.deviceCounts().forEach((state, n) -> counts.merge(state, n, Integer::sum));
            states.merge(s.state(), 1, Integer::sum);
        });
        Instant now = startedAt.plus(AGE);
        List<RolloutStatus> records = new ArrayList<>(statuses);
        records.add(new RolloutStatus.Summary(rolloutId, 7, "base_system", "12.7.4", "RUNNING", "PEER_THEN_WAN", null,
                counts, subnets, states, 8L << 20, statuses.stream().mapToLong(SubnetStatus::wanBytes).sum(),
                statuses.stream().mapToLong(SubnetStatus::peerBytes).sum(), startedAt.minusSeconds(1), startedAt,
                now, null, version, now, "WHOLE_FILE", 8, List.of()));
        return records;
    }

    private SubnetStatus subnetStatus(int i, long version, long extraBytes) {
        Instant now = startedAt.plus(AGE);
        String name = subnet(i);
        boolean slowest = name.equals(slowest());
        int initialPeers = i % 5 == 0 || slowest ? 0 : 1;
        List<Integer> perRound = IdealSpread.upgradedPerRound(initialPeers, DEVICES_PER_SUBNET, 1);
        long offset = slowest ? 0 : (i % 40) * 2000L;
        Instant start = startedAt.plusMillis(offset);
        long elapsed = AGE.toMillis() - offset;
        double slower = 1 + (i % 7) * 0.25;

        int rounds;
        Instant stalledSince = null;
        if (slowest) {
            rounds = 0;
            stalledSince = start.plusSeconds(1);
        } else if (stalled(i)) {
            rounds = 2;
            stalledSince = start.plusMillis(2 * ROUND + 1000);
        } else {
            rounds = (int) Math.min(perRound.size(), elapsed / (long) (ROUND * slower));
        }
        int upgraded = rounds == 0 ? 0 : perRound.get(rounds - 1);
        boolean done = rounds == perRound.size();
        int failed = failing(i) && rounds > 0 ? 2 : 0;
        upgraded = Math.max(0, upgraded - failed);
        int inFlight = done || stalledSince != null ? 0 : Math.min(initialPeers + upgraded, 
                DEVICES_PER_SUBNET - initialPeers - upgraded - failed);
        Map<String, Integer> counts = new TreeMap<>(Map.of("CURRENT", initialPeers, "UPGRADED", upgraded,
                "DOWNLOADING", inFlight, "FAILED", failed));
        counts.put("PENDING", DEVICES_PER_SUBNET - counts.values().stream().mapToInt(Integer::intValue).sum());

        List<PeerSample> samples = new ArrayList<>(List.of(new PeerSample(offset / 1000.0, initialPeers)));
        long roundTook = stalledSince != null ? ROUND : (long) (ROUND * slower);
        for (int round = 1; round <= rounds; round++) {
            samples.add(new PeerSample((offset + round * roundTook) / 1000.0, initialPeers + perRound.get(round - 1)));
        }
        Instant lastUpgrade = rounds == 0 ? null : start.plusMillis(rounds * roundTook);
        String state = stalledSince != null ? "WAITING" : done ? "DONE" : "SPREADING";
        int peers = initialPeers + upgraded;
        long wanBytes = (initialPeers == 0 ? 1 : 0) * (8L << 20) + extraBytes;
        return new SubnetStatus(rolloutId, name, state, DEVICES_PER_SUBNET, counts, initialPeers, peers, peers,
                inFlight, initialPeers == 0 ? 1 : 0, upgraded, failed, wanBytes, upgraded * (8L << 20), rounds,
                stalledSince != null ? STALLED_WAITING : null, start, lastUpgrade == null ? start : lastUpgrade,
                stalledSince, lastUpgrade, rounds == 0 ? null : TRANSFER, rounds == 0 ? null : INSTALL,
                rounds == 0 ? null : REBOOT, samples, version, now, null, 0);
    }
}
