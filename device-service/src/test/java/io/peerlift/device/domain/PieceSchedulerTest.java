package io.peerlift.device.domain;

import io.peerlift.device.domain.PieceScheduler.Request;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PieceSchedulerTest {

    private static final PieceScheduler.Settings SETTINGS = new PieceScheduler.Settings(2, 2, 2, 100);

    private static BitSet bits(int... chunks) {
        BitSet set = new BitSet();
        for (int chunk : chunks) {
            set.set(chunk);
        }
        return set;
    }

    private static PieceScheduler scheduler(int chunks, BitSet done) {
        return new PieceScheduler(chunks, done, SETTINGS, new Random(7));
    }

    @Test
    void aSourceIsAskedForTheRarestChunkItHasFirst() {
        PieceScheduler scheduler = new PieceScheduler(4, new BitSet(), new PieceScheduler.Settings(1, 0, 1, 100),
                new Random(1));
        scheduler.offered("seed", null);
        scheduler.offered("a", bits(0, 1, 2));
        scheduler.offered("b", bits(0, 1));

        List<Request> first = scheduler.next();

        // Chunk 3 only the seed has, chunk 2 only the seed and a: each goes to a source that has it, nobody twice.
        assertThat(first).hasSize(3).extracting(Request::chunk).doesNotHaveDuplicates();
        assertThat(first).contains(new Request("seed", 3));
        assertThat(first).filteredOn(r -> r.source().equals("b")).extracting(Request::chunk)
                .singleElement().isIn(0, 1);
    }

    @Test
    void eachSourceGetsAtMostOnePipeline() {
        PieceScheduler scheduler = scheduler(10, new BitSet());
        scheduler.offered("seed", null);

        assertThat(scheduler.next()).hasSize(2);
        assertThat(scheduler.next()).isEmpty();

        scheduler.verified("seed", scheduler.inFlightChunksOf("seed").get(0));
        assertThat(scheduler.next()).hasSize(1);
    }

    @Test
    void chunksAlreadyDoneAndChunksNoSourceHasAreNeverAsked() {
        PieceScheduler scheduler = scheduler(4, bits(0, 1));
        scheduler.offered("a", bits(0, 1, 2));

        assertThat(scheduler.next()).containsExactly(new Request("a", 2));
        scheduler.verified("a", 2);
        assertThat(scheduler.next()).isEmpty();
        assertThat(scheduler.isComplete()).isFalse();

        scheduler.offered("a", bits(0, 1, 2, 3)); // a refreshed have-list
        assertThat(scheduler.next()).containsExactly(new Request("a", 3));
    }

    @Test
    void theEndgameDuplicatesTheLastChunksAndTheLoserIsCancelled() {
        PieceScheduler scheduler = scheduler(1, new BitSet());
        scheduler.offered("slow", null);
        assertThat(scheduler.next()).containsExactly(new Request("slow", 0));

        scheduler.offered("fast", null);
        assertThat(scheduler.next()).containsExactly(new Request("fast", 0));
        assertThat(scheduler.next()).isEmpty(); // two copies at most, one per source

        assertThat(scheduler.verified("fast", 0)).containsExactly(new Request("slow", 0));
        assertThat(scheduler.inFlight()).isZero();
        assertThat(scheduler.isComplete()).isTrue();
    }

    @Test
    void noDuplicateRequestsBeforeTheEndgame() {
        PieceScheduler scheduler = scheduler(6, new BitSet());
        scheduler.offered("a", bits(0));
        scheduler.offered("b", bits(0));

        assertThat(scheduler.next()).hasSize(1); // 6 missing > 2: chunk 0 is fetched once
    }

    @Test
    void aBannedSourceLosesItsRequestsAndNeverComesBack() {
        PieceScheduler scheduler = scheduler(8, new BitSet());
        scheduler.offered("rogue", null);
        List<Request> asked = scheduler.next();

        List<Request> cancel = scheduler.banned("rogue");
        scheduler.offered("rogue", null);

        assertThat(cancel).containsExactlyInAnyOrderElementsOf(asked);
        assertThat(scheduler.isBanned("rogue")).isTrue();
        assertThat(scheduler.sources()).isEmpty();
        assertThat(scheduler.next()).isEmpty();
        scheduler.offered("honest", null);
        assertThat(scheduler.next()).extracting(Request::chunk).containsAnyElementsOf(
                asked.stream().map(Request::chunk).toList());
    }

    @Test
    void aSourceThatGoesAwayCostsOnlyItsRequestsInFlight() {
        PieceScheduler scheduler = scheduler(4, new BitSet());
        scheduler.offered("a", null);
        scheduler.offered("b", null);
        assertThat(scheduler.next()).hasSize(4);
        scheduler.verified("a", scheduler.inFlightChunksOf("a").get(0));

        List<Integer> lost = scheduler.inFlightChunksOf("a");
        scheduler.gone("a");

        assertThat(scheduler.missing()).isEqualTo(3); // the verified chunk stays
        assertThat(scheduler.inFlight()).isEqualTo(2); // b's two
        scheduler.verified("b", scheduler.inFlightChunksOf("b").get(0));
        assertThat(scheduler.next()).extracting(Request::chunk).containsExactlyElementsOf(lost);
    }

    @Test
    void aBusySourceIsSkippedUntilResumed() {
        PieceScheduler scheduler = scheduler(8, new BitSet());
        scheduler.offered("a", null);
        List<Request> asked = scheduler.next();
        asked.forEach(r -> scheduler.failed(r.source(), r.chunk()));
        scheduler.paused("a", true);

        assertThat(scheduler.next()).isEmpty();
        scheduler.paused("a", false);
        assertThat(scheduler.next()).hasSize(2);
    }
}
