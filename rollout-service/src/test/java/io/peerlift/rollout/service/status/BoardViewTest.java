package io.peerlift.rollout.service.status;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.peerlift.events.RolloutStatus.SubnetStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/** The fleet view computed from status records alone: ratios, order, filters, charts and frames. */
class BoardViewTest {

    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");
    private static final long ROUND = 4500;

    @Test
    void aSubnetOnItsIdealHasRatioOneAndOneSixTimesSlowerHasSix() {
        // 1 initial peer, 50 devices, one slot: 6 rounds of 4.5 s, 27 s ideal.
        SubnetStatus onTime = done("10.0.1.0/24", 1, 27_000);
        SubnetStatus slow = done("10.0.2.0/24", 1, 6 * 27_000);
        BoardView view = BoardView.of(summary(2, null), List.of(onTime, slow), START.plusSeconds(200));

        assertThat(view.rows()).extracting(SubnetRow::subnet, SubnetRow::idealRounds, SubnetRow::idealSeconds,
                SubnetRow::ratio).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.1.0/24", 6, 27.0, 1.0),
                org.assertj.core.groups.Tuple.tuple("10.0.2.0/24", 6, 27.0, 6.0));
        assertThat(view.ideal().ratio()).as("the rollout: the last device after 162 s, ideally after 27 s")
                .isCloseTo(6.0, offset(0.01));
    }

    @Test
    void aStalledSubnetWithoutMediansIsJudgedByTheRolloutsRoundAndComesFirst() {
        SubnetStatus onTime = done("10.0.1.0/24", 1, 27_000);
        SubnetStatus stuck = subnet("10.0.9.0/24", "WAITING", 0, 0, null, START.plusSeconds(1), null, List.of());
        BoardView view = BoardView.of(summary(2, null), List.of(onTime, stuck), START.plusSeconds(90));

        SubnetRow row = view.page(BoardQuery.WORST_FIRST).rows().get(0);
        assertThat(row.subnet()).isEqualTo("10.0.9.0/24");
        assertThat(row.roundMeasuredHere()).isFalse();
        assertThat(row.roundMillis()).isEqualTo(ROUND);
        assertThat(row.ratio()).as("90 s without the WAN seed that was due after one round").isEqualTo(20.0);
        assertThat(view.ideal().stalledSubnets()).isEqualTo(1);
    }

    @Test
    void aSwarmSubnetIsJudgedByTStarPlusOneInstallAndOneReboot() {
        // The swarm demo's subnet: 40 devices, 64 MiB in 64 chunks at 16 MiB/s each, 1 s install, 3 s reboot.
        // T* = 4 s x (1 + floor(log2 40)/64) = 4.3125 s; with install and reboot 8.3125 s; it took twice that.
        SubnetStatus swarmed = swarmed("10.0.1.0/24", 40, 16L << 20, 16_625);
        Instant finished = START.plusMillis(16_625);

        BoardView view = BoardView.of(summary("SWARM", finished, List.of()), List.of(swarmed), finished);

        SubnetRow row = view.rows().get(0);
        assertThat(row.swarmBoundSeconds()).isEqualTo(4.313);
        assertThat(row.swarmIdealSeconds()).isEqualTo(8.313);
        assertThat(row.swarmRatio()).isEqualTo(2.0);
        assertThat(row.ratio()).as("the whole-file ideal is still shown beside it").isNotNull();
        assertThat(view.ideal().swarmIdealSeconds()).isEqualTo(8.313);
        assertThat(view.ideal().swarmRatio()).isEqualTo(2.0);
        assertThat(view.page(BoardQuery.parse("swarm_ratio", null, null, null, null, null, null, null, null))
                .rows()).extracting(SubnetRow::subnet).containsExactly("10.0.1.0/24");

        BoardView wholeFile = BoardView.of(summary("WHOLE_FILE", finished, List.of()), List.of(swarmed), finished);
        assertThat(wholeFile.rows().get(0).swarmRatio()).as("T* applies to SWARM rollouts only").isNull();
        assertThat(wholeFile.ideal().swarmRatio()).isNull();
    }

    @Test
    void aSwarmSubnetWithoutAReportedUploadCapacityIsJudgedByTheRolloutsMedianOne() {
        SubnetStatus reported = swarmed("10.0.1.0/24", 40, 16L << 20, 16_625);
        SubnetStatus silent = swarmed("10.0.2.0/24", 40, null, 8_313);
        Instant now = START.plusSeconds(20);

        BoardView view = BoardView.of(summary("SWARM", null, List.of()), List.of(reported, silent), now);

        assertThat(view.rows()).extracting(SubnetRow::subnet, SubnetRow::swarmRatio).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.0.1.0/24", 2.0),
                org.assertj.core.groups.Tuple.tuple("10.0.2.0/24", 1.0));
        BoardView unknown = BoardView.of(summary("SWARM", null, List.of()), List.of(silent), now);
        assertThat(unknown.rows().get(0).swarmRatio()).as("no device reported a cap: no T*").isNull();
        assertThat(unknown.ideal().swarmRatio()).isNull();
    }

    @Test
    void timeThePausedRolloutStoodStillDoesNotCountAgainstItsSubnets() {
        // On its ideal (27 s) but for a 60 s pause from 10 s in.
        SubnetStatus paused = done("10.0.1.0/24", 1, 87_000);
        List<RolloutStatus.Pause> pause = List.of(new RolloutStatus.Pause(START.plusSeconds(10), START.plusSeconds(70)));

        BoardView view = BoardView.of(summary("WHOLE_FILE", START.plusSeconds(87), pause), List.of(paused),
                START.plusSeconds(100));
        BoardView unpaused = BoardView.of(summary(1, START.plusSeconds(87)), List.of(paused), START.plusSeconds(100));

        assertThat(view.rows().get(0).ratio()).isEqualTo(1.0);
        assertThat(view.rows().get(0).elapsedSeconds()).isEqualTo(27.0);
        assertThat(view.ideal().ratio()).isEqualTo(1.0);
        assertThat(unpaused.rows().get(0).ratio()).as("the same records without the pause").isEqualTo(3.22);
    }

    @Test
    void aStalledSubnetsRatioStandsStillWhileTheRolloutIsPaused() {
        SubnetStatus stuck = subnet("10.0.9.0/24", "WAITING", 0, 0, null, START.plusSeconds(1), null, List.of());
        SubnetStatus onTime = done("10.0.1.0/24", 1, 27_000);
        List<RolloutStatus.Pause> pausedSince31s = List.of(new RolloutStatus.Pause(START.plusSeconds(31), null));

        SubnetRow atPause = BoardView.of(summary("WHOLE_FILE", null, pausedSince31s), List.of(onTime, stuck),
                START.plusSeconds(31)).page(BoardQuery.WORST_FIRST).rows().get(0);
        SubnetRow later = BoardView.of(summary("WHOLE_FILE", null, pausedSince31s), List.of(onTime, stuck),
                START.plusSeconds(300)).page(BoardQuery.WORST_FIRST).rows().get(0);

        assertThat(later.subnet()).isEqualTo("10.0.9.0/24");
        assertThat(later.ratio()).as("31 s of running time against one 4.5 s round").isEqualTo(6.89)
                .isEqualTo(atPause.ratio());
    }

    @Test
    void sortsFiltersAndPagesOnTheServer() {
        List<SubnetStatus> subnets = new ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            subnets.add(done(String.format("10.0.%d.0/24", i), 1, 27_000L * (1 + i % 4)));
        }
        subnets.add(subnet("10.9.0.0/24", "WAITING", 0, 0, null, START.plusSeconds(1), null, List.of()));
        BoardView view = BoardView.of(summary(61, null), subnets, START.plusSeconds(300));

        BoardPage worst = view.page(BoardQuery.WORST_FIRST);
        assertThat(worst.total()).isEqualTo(61);
        assertThat(worst.rows()).hasSize(BoardQuery.DEFAULT_LIMIT);
        assertThat(worst.rows()).extracting(SubnetRow::ratio).isSortedAccordingTo((a, b) -> Double.compare(b, a));

        BoardPage waiting = view.page(BoardQuery.parse(null, null, "waiting", null, null, null, null, null, null));
        assertThat(waiting.rows()).extracting(SubnetRow::subnet).containsExactly("10.9.0.0/24");
        BoardPage byName = view.page(BoardQuery.parse("subnet", "asc", null, null, null, "10.0.1", null, 2, 3));
        assertThat(byName.total()).as("10.0.1, 10.0.1x").isEqualTo(11);
        assertThat(byName.rows()).extracting(SubnetRow::subnet)
                .containsExactly("10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24");
        BoardPage byAddress = view.page(BoardQuery.parse("subnet", "asc", null, null, null, null, null, 8, 3));
        assertThat(byAddress.rows()).extracting(SubnetRow::subnet).as("numerically, not as text")
                .containsExactly("10.0.9.0/24", "10.0.10.0/24", "10.0.11.0/24");
        BoardPage lastByAddress = view.page(BoardQuery.parse("subnet", "desc", null, null, null, null, null, null, 2));
        assertThat(lastByAddress.rows()).extracting(SubnetRow::subnet)
                .containsExactly("10.9.0.0/24", "10.0.60.0/24");
        BoardPage atLeastThree = view.page(BoardQuery.parse(null, null, null, null, null, null, 3.0, null, 50));
        assertThat(atLeastThree.rows()).allSatisfy(row -> assertThat(row.ratio()).isGreaterThanOrEqualTo(3.0));
        assertThat(atLeastThree.total()).isEqualTo(15 + 15 + 1);
    }

    @Test
    void badQueriesSayWhatIsWrong() {
        assertThatThrownBy(() -> BoardQuery.parse("speed", null, null, null, null, null, null, null, null))
                .hasMessageContaining("sort 'speed' is not one of [ratio, swarm_ratio, state, upgraded");
        assertThatThrownBy(() -> BoardQuery.parse(null, "up", null, null, null, null, null, null, null))
                .hasMessage("dir must be asc or desc, got 'up'");
        assertThatThrownBy(() -> BoardQuery.parse(null, null, "RUNNING", null, null, null, null, null, null))
                .hasMessageContaining("state 'RUNNING' is not a subnet state");
        assertThatThrownBy(() -> BoardQuery.parse(null, null, null, null, null, null, null, null, 51))
                .hasMessage("limit must be 1..50, got 51");
    }

    @Test
    void theGrowthChartIsBoundedAndEndsWhereTheIdealDoes() {
        List<SubnetStatus> subnets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            subnets.add(done(String.format("10.%d.%d.0/24", i / 250, i % 250), 1, 27_000L * (1 + i % 3)));
        }
        BoardView view = BoardView.of(summary(1000, null), subnets, START.plusSeconds(100));

        assertThat(view.growth().measured()).hasSizeLessThanOrEqualTo(BoardView.CHART_POINTS);
        assertThat(view.growth().ideal()).hasSizeLessThanOrEqualTo(BoardView.CHART_POINTS + 1);
        assertThat(view.growth().target()).isEqualTo(49_000);
        assertThat(view.growth().ideal().get(view.growth().ideal().size() - 1).value()).isEqualTo(49_000);
        assertThat(view.growth().measured().get(view.growth().measured().size() - 1).value()).isEqualTo(49_000);
    }

    @Test
    void aStreamSendsOnlyWhatChangedAndKeepsToItsRate() {
        FleetBoard board = new FleetBoard();
        List<SubnetStatus> subnets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            subnets.add(done(String.format("10.%d.%d.0/24", i / 250, i % 250), 1, 27_000L * (1 + i % 3)));
        }
        subnets.forEach(board::accept);
        board.accept(summary(1000, START.plusSeconds(100)));
        BoardStream stream = new BoardStream(board, new BoardStream.Request("r1", BoardQuery.WORST_FIRST,
                "10.0.7.0/24"), Duration.ofSeconds(1), 16_384);
        Instant now = START.plusSeconds(200);

        String first = stream.next(now).orElseThrow();
        assertThat(first.getBytes(StandardCharsets.UTF_8).length).as("a whole frame").isLessThan(20_000);
        Map<String, Object> frame = frame(first);
        assertThat(frame.keySet()).contains("rollouts", "summary", "ideal", "growth", "page", "rows", "detail");
        assertThat((List<?>) frame.get("rows")).hasSize(BoardQuery.DEFAULT_LIMIT);
        assertThat(stream.next(now.plusMillis(500))).as("within a second of the last").isEmpty();
        assertThat(stream.next(now.plusSeconds(2))).as("nothing changed: the rollout is over").isEmpty();

        board.accept(done("10.0.7.0/24", 1, 54_000, 2)); // the same as before, a new version
        Map<String, Object> change = frame(stream.next(now.plusSeconds(4)).orElseThrow());
        assertThat(change.keySet()).containsOnly("detail");
    }

    @Test
    void anArchivedRolloutsTombstonesTakeItOffTheBoardAndItsStreams() {
        FleetBoard board = new FleetBoard();
        board.accept(done("10.0.1.0/24", 1, 27_000));
        board.accept(done("10.0.2.0/24", 1, 27_000));
        board.accept(summary(2, START.plusSeconds(30)));
        BoardStream stream = new BoardStream(board, new BoardStream.Request("r1", BoardQuery.WORST_FIRST, null),
                Duration.ofSeconds(1), 16_384);
        Instant now = START.plusSeconds(60);
        assertThat(frame(stream.next(now).orElseThrow())).containsKey("summary");

        board.deleted(RolloutStatus.subnetKey("r1", "10.0.2.0/24"));
        assertThat(board.view("r1", now.plusSeconds(2)).orElseThrow().rows()).extracting(SubnetRow::subnet)
                .containsExactly("10.0.1.0/24");
        board.deleted("r1");

        assertThat(board.summaries()).isEmpty();
        assertThat(board.view("r1", now.plusSeconds(4))).isEmpty();
        Map<String, Object> gone = frame(stream.next(now.plusSeconds(4)).orElseThrow());
        assertThat(gone).containsEntry("forgotten", "r1").containsEntry("rollouts", List.of())
                .doesNotContainKeys("summary", "rows");
        assertThat(stream.next(now.plusSeconds(6))).as("said once").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> frame(String json) {
        return EventCodec.decode(json, Map.class);
    }

    // ---- records ----

    private static RolloutStatus.Summary summary(int subnets, Instant finishedAt) {
        return new RolloutStatus.Summary("r1", 1, "base_system", "12.7.4", finishedAt == null ? "RUNNING" : "COMPLETED",
                "PEER_THEN_WAN", null, Map.of(), subnets, Map.of(), 8 << 20, 0, 0, START, START, START, finishedAt, 1,
                START, "WHOLE_FILE", 8, List.of());
    }

    private static RolloutStatus.Summary summary(String distribution, Instant finishedAt,
                                                 List<RolloutStatus.Pause> pauses) {
        return new RolloutStatus.Summary("r1", 1, "base_system", "12.7.4", finishedAt == null ? "RUNNING" : "COMPLETED",
                "PEER_THEN_WAN", null, Map.of(), 1, Map.of(), 64L << 20, 0, 0, START, START, START, finishedAt, 1,
                START, distribution, 64, pauses);
    }

    /** A swarmed subnet without initial peers, done after {@code tookMillis}: 1 s install, 3 s reboot. */
    private static SubnetStatus swarmed(String name, int devices, Long uploadBytesPerSecond, long tookMillis) {
        Instant last = START.plusMillis(tookMillis);
        return new SubnetStatus("r1", name, "DONE", devices, Map.of("UPGRADED", devices), 0, devices, devices, 0, 1,
                devices - 1, 0, 64L << 20, (devices - 1) * (64L << 20), 2, null, START, last, null, last, 4000L, 1000L,
                3000L, List.of(new PeerSample(0, 0), new PeerSample(tookMillis / 1000.0, devices)), 1, last,
                uploadBytesPerSecond, 0);
    }

    private static SubnetStatus done(String name, int initialPeers, long tookMillis) {
        return done(name, initialPeers, tookMillis, 1);
    }

    private static SubnetStatus done(String name, int initialPeers, long tookMillis, long version) {
        Instant last = START.plusMillis(tookMillis);
        int upgraded = 50 - initialPeers;
        return new SubnetStatus("r1", name, "DONE", 50, Map.of("CURRENT", initialPeers, "UPGRADED", upgraded),
                initialPeers, 50, 50, 0, 0, upgraded, 0, 0, 0, 6, null, START, last, null, last, 500L, 1000L, 3000L,
                List.of(new PeerSample(0, initialPeers), new PeerSample(tookMillis / 1000.0, 50)), version, last,
                null, 0);
    }

    private static SubnetStatus subnet(String name, String state, int initialPeers, int upgraded, Instant lastUpgrade,
                                       Instant stalledSince, Long medianTransfer, List<PeerSample> samples) {
        return new SubnetStatus("r1", name, state, 50, Map.of("CURRENT", initialPeers, "UPGRADED", upgraded,
                "PENDING", 50 - initialPeers - upgraded), initialPeers, initialPeers + upgraded, initialPeers + upgraded,
                0, 0, 0, 0, 0, 0, 0, "waiting", START, START, stalledSince, lastUpgrade, medianTransfer, null, null,
                samples, 1, START, null, 0);
    }

}
