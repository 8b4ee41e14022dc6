package io.peerlift.rollout.service.status;

import io.peerlift.events.IdealSpread;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.peerlift.events.RolloutStatus.SubnetStatus;
import io.peerlift.events.SwarmBound;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rollout as the fleet view sees it at one moment, computed from its latest status records alone: a row per
 * subnet with its ratio to the ideal, the rollout's ratio, and the growth chart. Pure, so it is tested without a
 * broker; {@link FleetBoard} keeps one per rollout and computes it again when records arrive or time moves on.
 */
public final class BoardView {

    /** Points per chart line: enough for a chart a page wide, bounded whatever the fleet or the duration. */
    static final int CHART_POINTS = 120;
    private static final Set<String> FINISHED_ROLLOUT = Set.of("COMPLETED", "CANCELLED", "APPROVAL_DENIED");

    private final RolloutStatus.Summary summary;
    private final RolloutIdeal ideal;
    private final Growth growth;
    private final List<SubnetRow> rows;
    private final Map<String, SubnetStatus> records;
    private final Map<String, IdealSpread.Curve> curves;
    private final Instant computedAt;

    private BoardView(RolloutStatus.Summary summary, RolloutIdeal ideal, Growth growth, List<SubnetRow> rows,
                      Map<String, SubnetStatus> records, Map<String, IdealSpread.Curve> curves, Instant computedAt) {
        this.summary = summary;
        this.ideal = ideal;
        this.growth = growth;
        this.rows = rows;
        this.records = records;
        this.curves = curves;
        this.computedAt = computedAt;
    }

    public static BoardView of(RolloutStatus.Summary summary, Collection<SubnetStatus> subnets, Instant now) {
        Instant origin = summary.startedAt() != null ? summary.startedAt() : subnets.stream()
                .map(SubnetStatus::startedAt).filter(t -> t != null).min(Comparator.naturalOrder()).orElse(now);
        boolean finished = summary.finishedAt() != null || FINISHED_ROLLOUT.contains(summary.state());
        Instant end = finished && summary.finishedAt() != null ? summary.finishedAt() : now;
        long elapsed = running(summary, origin, end);
        Long rolloutRound = medianRound(subnets);
        SwarmReference swarm = SwarmReference.of(summary, subnets);
        Long swarmEnd = null;

        List<SubnetRow> rows = new ArrayList<>(subnets.size());
        Map<String, SubnetStatus> records = new HashMap<>();
        Map<String, IdealSpread.Curve> curves = new HashMap<>();
        List<IdealSpread.Curve> shifted = new ArrayList<>();
        int upgraded = 0;
        int target = 0;
        int stalled = 0;
        Instant lastUpgrade = null;
        for (SubnetStatus s : subnets) {
            int eligible = s.devices() - SubnetRow.count(s, "INELIGIBLE");
            int slots = s.peers() > 0 ? Math.max(1, Math.round(s.peerSlots() / (float) s.peers())) : 1;
            List<Integer> perRound = IdealSpread.upgradedPerRound(s.initialPeers(), eligible, slots);
            Long measuredRound = IdealSpread.roundMillis(s.medianTransferMillis(), s.medianInstallMillis(),
                    s.medianRebootMillis());
            Long round = measuredRound != null ? measuredRound : rolloutRound;
            int done = SubnetRow.count(s, "UPGRADED");
            boolean subnetFinished = "DONE".equals(s.state()) || finished;
            Double ratio = null;
            Double idealSeconds = null;
            Double elapsedSeconds = null;
            Long swarmBound = swarm == null ? null : swarm.boundMillis(s, eligible);
            Long swarmIdeal = swarmBound == null ? null : swarm.withInstallAndReboot(swarmBound, s);
            Double swarmRatio = null;
            if (s.startedAt() != null) {
                Instant subnetEnd = "DONE".equals(s.state()) && s.lastUpgradeAt() != null ? s.lastUpgradeAt() : end;
                long subnetElapsed = running(summary, s.startedAt(), subnetEnd);
                elapsedSeconds = (double) Math.round(subnetElapsed / 1000.0);
                if (round != null) {
                    IdealSpread.Curve curve = IdealSpread.Curve.ofSubnet(0, round, perRound);
                    curves.put(s.subnet(), curve);
                    idealSeconds = curve.endMillis() / 1000.0;
                    Long last = s.lastUpgradeAt() == null ? null : running(summary, s.startedAt(), s.lastUpgradeAt());
                    ratio = rounded(IdealSpread.ratio(curve, done, last, subnetElapsed, subnetFinished));
                }
                if (swarmIdeal != null && swarmIdeal > 0) {
                    swarmRatio = rounded(subnetElapsed / (double) swarmIdeal);
                }
            }
            long offset = s.startedAt() != null ? running(summary, origin, s.startedAt()) : elapsed;
            if (round != null && !perRound.isEmpty()) {
                shifted.add(IdealSpread.Curve.ofSubnet(offset, round, perRound));
            }
            if (swarmIdeal != null) {
                swarmEnd = Math.max(swarmEnd == null ? 0 : swarmEnd, offset + swarmIdeal);
            }
            rows.add(new SubnetRow(s.subnet(), s.state(), s.devices(), eligible, done, SubnetRow.count(s, "CURRENT"),
                    SubnetRow.count(s, "COMMANDED") + SubnetRow.count(s, "DOWNLOADING")
                            + SubnetRow.count(s, "INSTALLING"),
                    SubnetRow.count(s, "FAILED"), s.peers(), slots, s.rounds(), perRound.size(), round,
                    measuredRound != null, idealSeconds, elapsedSeconds, ratio, seconds(swarmBound),
                    seconds(swarmIdeal), swarmRatio, s.startedAt(), s.stalledSince(), s.waiting(), s.failedAttempts(),
                    s.wanBytes(), s.peerBytes(), s.version()));
            records.put(s.subnet(), s);
            upgraded += done;
            target += perRound.isEmpty() ? 0 : perRound.get(perRound.size() - 1);
            stalled += s.stalledSince() != null ? 1 : 0;
            if (s.lastUpgradeAt() != null && (lastUpgrade == null || s.lastUpgradeAt().isAfter(lastUpgrade))) {
                lastUpgrade = s.lastUpgradeAt();
            }
        }
        rows.sort(BoardQuery.ADDRESS_ORDER);

        IdealSpread.Curve rolloutCurve = IdealSpread.Curve.sum(shifted);
        Double ratio = shifted.isEmpty() ? null : rounded(IdealSpread.ratio(rolloutCurve, upgraded,
                lastUpgrade == null ? null : running(summary, origin, lastUpgrade), elapsed, finished));
        Double swarmRatio = swarmEnd == null || swarmEnd == 0 ? null : rounded(elapsed / (double) swarmEnd);
        RolloutIdeal ideal = new RolloutIdeal(ratio, shifted.isEmpty() ? null : rolloutCurve.endMillis() / 1000.0,
                (double) Math.round(elapsed / 1000.0), rolloutRound, stalled, seconds(swarmEnd), swarmRatio);
        Growth growth = growth(summary, origin, subnets, rolloutCurve, elapsed, target);
        return new BoardView(summary, ideal, growth, List.copyOf(rows), records, curves, now);
    }

    public RolloutStatus.Summary summary() {
        return summary;
    }

    public RolloutIdeal ideal() {
        return ideal;
    }

    public Growth growth() {
        return growth;
    }

    /** Every subnet's row, in address order (numerically). */
    public List<SubnetRow> rows() {
        return rows;
    }

    public Instant computedAt() {
        return computedAt;
    }

    public BoardPage page(BoardQuery query) {
        List<SubnetRow> kept = rows.stream().filter(query.filter()).sorted(query.order()).toList();
        int from = Math.min(query.offset(), kept.size());
        int to = Math.min(kept.size(), from + query.limit());
        return new BoardPage(summary, ideal, kept.size(), query.offset(), query.limit(), kept.subList(from, to));
    }

    /** The subnet in detail, null if the rollout has no such subnet. */
    public SubnetDetail detail(String subnet) {
        SubnetStatus s = records.get(subnet);
        if (s == null) {
            return null;
        }
        SubnetRow row = rows.stream().filter(r -> r.subnet().equals(subnet)).findFirst().orElseThrow();
        List<ChartPoint> peers = new ArrayList<>();
        Instant origin = summary.startedAt() == null ? s.startedAt() : summary.startedAt();
        for (PeerSample sample : sampled(s.peersOverTime())) {
            peers.add(ChartPoint.at(Math.round(runningSeconds(summary, origin, sample) * 1000), sample.peers()));
        }
        List<ChartPoint> idealPeers = new ArrayList<>();
        IdealSpread.Curve curve = curves.get(subnet);
        if (curve != null && s.startedAt() != null) {
            long offset = summary.startedAt() == null ? 0 : running(summary, summary.startedAt(), s.startedAt());
            idealPeers.add(ChartPoint.at(offset, s.initialPeers()));
            curve.steps().forEach(step -> idealPeers.add(ChartPoint.at(offset + step.atMillis(),
                    s.initialPeers() + step.upgraded())));
        }
        return new SubnetDetail(row, s.initialPeers(), s.peerSlots(), s.httpsPeers(), s.medianTransferMillis(),
                s.medianInstallMillis(), s.medianRebootMillis(), peers, idealPeers);
    }

    /**
     * Measured: the peers each subnet gained over its initial ones, summed at evenly spaced times; ideal: the
     * summed ideal curve at the same times, on until the ideal is done. Times are the rollout's running time, its
     * pauses left out, as the ideal's are.
     */
    private static Growth growth(RolloutStatus.Summary summary, Instant origin, Collection<SubnetStatus> subnets,
                                 IdealSpread.Curve ideal, long elapsed, int target) {
        long span = Math.max(Math.max(elapsed, ideal.endMillis()), 1);
        long stepMillis = Math.max(100, (span + CHART_POINTS - 2) / (CHART_POINTS - 1));
        int points = (int) Math.min(CHART_POINTS, span / stepMillis + 1);
        int measuredPoints = (int) Math.min(points, elapsed / stepMillis + 1);
        int[] gained = new int[measuredPoints];
        for (SubnetStatus s : subnets) {
            List<PeerSample> samples = s.peersOverTime();
            int next = 0;
            int peers = s.initialPeers();
            for (int i = 0; i < measuredPoints; i++) {
                double seconds = i * stepMillis / 1000.0;
                while (next < samples.size() && runningSeconds(summary, origin, samples.get(next)) <= seconds) {
                    peers = samples.get(next++).peers();
                }
                gained[i] += Math.max(0, peers - s.initialPeers());
            }
        }
        List<ChartPoint> measured = new ArrayList<>(measuredPoints + 1);
        for (int i = 0; i < measuredPoints; i++) {
            measured.add(ChartPoint.at(i * stepMillis, gained[i]));
        }
        List<ChartPoint> idealPoints = new ArrayList<>(points);
        for (int i = 0; i < points; i++) {
            idealPoints.add(ChartPoint.at(i * stepMillis, ideal.upgradedAt(i * stepMillis)));
        }
        if (!ideal.steps().isEmpty() && ideal.endMillis() > (points - 1) * stepMillis) {
            idealPoints.add(ChartPoint.at(ideal.endMillis(), ideal.upgradedAt(ideal.endMillis())));
        }
        return new Growth(measured, idealPoints, target);
    }

    /** At most {@link #CHART_POINTS} of the samples, evenly picked, the first and the last always kept. */
    private static List<PeerSample> sampled(List<PeerSample> samples) {
        if (samples.size() <= CHART_POINTS) {
            return samples;
        }
        List<PeerSample> picked = new ArrayList<>(CHART_POINTS);
        for (int i = 0; i < CHART_POINTS; i++) {
            picked.add(samples.get((int) ((long) i * (samples.size() - 1) / (CHART_POINTS - 1))));
        }
        return picked;
    }

    /** The median of the subnets' measured rounds, for subnets that have measured none yet. */
    private static Long medianRound(Collection<SubnetStatus> subnets) {
        List<Long> rounds = subnets.stream().map(s -> IdealSpread.roundMillis(s.medianTransferMillis(),
                s.medianInstallMillis(), s.medianRebootMillis())).filter(r -> r != null).sorted().toList();
        return rounds.isEmpty() ? null : rounds.get(rounds.size() / 2);
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    /** The time from {@code from} to {@code to} that the rollout ran: its pauses do not count against it. */
    private static long running(RolloutStatus.Summary summary, Instant from, Instant to) {
        return Math.max(0, millis(from, to) - summary.pausedMillis(from, to));
    }

    /** A sample's time in the rollout's running time since {@code origin}. */
    private static double runningSeconds(RolloutStatus.Summary summary, Instant origin, PeerSample sample) {
        if (origin == null || summary.pauses().isEmpty()) {
            return sample.secondsSinceStart();
        }
        Instant at = origin.plusMillis(Math.round(sample.secondsSinceStart() * 1000));
        return running(summary, origin, at) / 1000.0;
    }

    private static Double seconds(Long millis) {
        return millis == null ? null : millis / 1000.0;
    }

    /**
     * The swarm's reference (issue #13) for a SWARM rollout: per subnet T* = (F/u)(1 + floor(log2 n)/M)
     * ({@link SwarmBound}) for its n devices to upgrade, u the upload capacity its devices report, then one
     * install and one reboot (the subnet's medians). A subnet that has not measured u, or the install and reboot,
     * yet is judged by the rollout's medians of them.
     */
    private record SwarmReference(long packageBytes, int chunks, Long rolloutUpload, Long rolloutInstallReboot) {

        /** Null unless the rollout swarms and its package is known. */
        static SwarmReference of(RolloutStatus.Summary summary, Collection<SubnetStatus> subnets) {
            if (!summary.swarms() || summary.packageBytes() <= 0 || summary.packageChunks() <= 0) {
                return null;
            }
            return new SwarmReference(summary.packageBytes(), summary.packageChunks(),
                    median(subnets.stream().map(SubnetStatus::uploadBytesPerSecond).toList()),
                    median(subnets.stream().map(SwarmReference::installReboot).toList()));
        }

        /** T* of the subnet, null when no upload capacity is known or it has nothing to upgrade. */
        Long boundMillis(SubnetStatus s, int eligible) {
            int devices = eligible - s.initialPeers();
            Long upload = s.uploadBytesPerSecond() != null ? s.uploadBytesPerSecond() : rolloutUpload;
            if (devices < 1 || upload == null || upload <= 0) {
                return null;
            }
            return Math.round(SwarmBound.seconds(packageBytes, upload, devices, chunks) * 1000);
        }

        /** T* + install + reboot, null while neither the subnet nor the rollout measured those. */
        Long withInstallAndReboot(long boundMillis, SubnetStatus s) {
            Long installReboot = installReboot(s);
            installReboot = installReboot != null ? installReboot : rolloutInstallReboot;
            return installReboot == null ? null : boundMillis + installReboot;
        }

        private static Long installReboot(SubnetStatus s) {
            return s.medianInstallMillis() == null || s.medianRebootMillis() == null ? null
                    : s.medianInstallMillis() + s.medianRebootMillis();
        }

        private static Long median(List<Long> values) {
            List<Long> known = values.stream().filter(v -> v != null && v > 0).sorted().toList();
            return known.isEmpty() ? null : known.get(known.size() / 2);
        }
    }

    /** Two decimals: the table shows them, and a ratio that did not move by that much is no change. */
    private static Double rounded(Double ratio) {
        return ratio == null ? null : Math.round(ratio * 100) / 100.0;
    }
}
