package io.peerlift.rollout.service.status;

import io.peerlift.events.IdealSpread;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.peerlift.events.RolloutStatus.SubnetStatus;

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
        long elapsed = Math.max(0, millis(origin, end));
        Long rolloutRound = medianRound(subnets);

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
            if (s.startedAt() != null) {
                Instant subnetEnd = "DONE".equals(s.state()) && s.lastUpgradeAt() != null ? s.lastUpgradeAt() : end;
                long subnetElapsed = Math.max(0, millis(s.startedAt(), subnetEnd));
                elapsedSeconds = (double) Math.round(subnetElapsed / 1000.0);
                if (round != null) {
                    IdealSpread.Curve curve = IdealSpread.Curve.ofSubnet(0, round, perRound);
                    curves.put(s.subnet(), curve);
                    idealSeconds = curve.endMillis() / 1000.0;
                    Long last = s.lastUpgradeAt() == null ? null : millis(s.startedAt(), s.lastUpgradeAt());
                    ratio = rounded(IdealSpread.ratio(curve, done, last, subnetElapsed, subnetFinished));
                }
            }
            if (round != null && !perRound.isEmpty()) {
                long offset = s.startedAt() != null ? millis(origin, s.startedAt()) : elapsed;
                shifted.add(IdealSpread.Curve.ofSubnet(offset, round, perRound));
            }
            rows.add(new SubnetRow(s.subnet(), s.state(), s.devices(), eligible, done, SubnetRow.count(s, "CURRENT"),
                    SubnetRow.count(s, "COMMANDED") + SubnetRow.count(s, "DOWNLOADING")
                            + SubnetRow.count(s, "INSTALLING"),
                    SubnetRow.count(s, "FAILED"), s.peers(), slots, s.rounds(), perRound.size(), round,
                    measuredRound != null, idealSeconds, elapsedSeconds, ratio, s.startedAt(), s.stalledSince(),
                    s.waiting(), s.failedAttempts(), s.wanBytes(), s.peerBytes(), s.version()));
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
                lastUpgrade == null ? null : millis(origin, lastUpgrade), elapsed, finished));
        RolloutIdeal ideal = new RolloutIdeal(ratio, shifted.isEmpty() ? null : rolloutCurve.endMillis() / 1000.0,
                (double) Math.round(elapsed / 1000.0), rolloutRound, stalled, null);
        Growth growth = growth(subnets, rolloutCurve, elapsed, target);
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
        for (PeerSample sample : sampled(s.peersOverTime())) {
            peers.add(ChartPoint.at(Math.round(sample.secondsSinceStart() * 1000), sample.peers()));
        }
        List<ChartPoint> idealPeers = new ArrayList<>();
        IdealSpread.Curve curve = curves.get(subnet);
        if (curve != null && s.startedAt() != null) {
            long offset = summary.startedAt() == null ? 0 : Math.max(0, millis(summary.startedAt(), s.startedAt()));
            idealPeers.add(ChartPoint.at(offset, s.initialPeers()));
            curve.steps().forEach(step -> idealPeers.add(ChartPoint.at(offset + step.atMillis(),
                    s.initialPeers() + step.upgraded())));
        }
        return new SubnetDetail(row, s.initialPeers(), s.peerSlots(), s.medianTransferMillis(),
                s.medianInstallMillis(), s.medianRebootMillis(), peers, idealPeers);
    }

    /**
     * Measured: the peers each subnet gained over its initial ones, summed at evenly spaced times; ideal: the
     * summed ideal curve at the same times, on until the ideal is done.
     */
    private static Growth growth(Collection<SubnetStatus> subnets, IdealSpread.Curve ideal, long elapsed,
                                 int target) {
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
                while (next < samples.size() && samples.get(next).secondsSinceStart() <= seconds) {
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

    /** Two decimals: the table shows them, and a ratio that did not move by that much is no change. */
    private static Double rounded(Double ratio) {
        return ratio == null ? null : Math.round(ratio * 100) / 100.0;
    }
}
