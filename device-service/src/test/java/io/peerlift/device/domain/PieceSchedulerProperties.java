package io.peerlift.device.domain;

import io.peerlift.device.domain.PieceScheduler.Request;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs whole downloads against the scheduler: random have-sets that grow, requests that succeed, fail, go busy or
 * come from a rogue, in random order. Whatever happens, the scheduler keeps its rules, and a download whose
 * chunks some honest source has ends complete.
 */
class PieceSchedulerProperties {

    record Swarm(int chunks, int sources, long seed, int pipeline, int endgame, int maxInFlight) {
    }

    @Provide
    Arbitrary<Swarm> swarms() {
        return Combinators.combine(Arbitraries.integers().between(1, 80), Arbitraries.integers().between(1, 12),
                        Arbitraries.longs(), Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 6),
                        Arbitraries.integers().between(1, 40))
                .as(Swarm::new);
    }

    @Property(tries = 300)
    void everyRequestIsForAMissingChunkTheSourceHasWithinItsPipeline(@ForAll("swarms") Swarm swarm,
                                                                   @ForAll @IntRange(min = 1, max = 3) int copies) {
        Random random = new Random(swarm.seed());
        PieceScheduler scheduler = new PieceScheduler(swarm.chunks(), new BitSet(),
                new PieceScheduler.Settings(swarm.pipeline(), swarm.endgame(), copies, swarm.maxInFlight()), random);
        Map<String, BitSet> have = new HashMap<>();
        String rogue = swarm.sources() > 1 ? "s" + (swarm.sources() - 1) : "none";
        for (int s = 0; s < swarm.sources(); s++) {
            BitSet set = new BitSet();
            for (int c = 0; c < swarm.chunks(); c++) {
                if (s == 0 || random.nextInt(3) == 0) {
                    set.set(c); // s0 is complete and honest: the download must finish
                }
            }
            have.put("s" + s, set);
            scheduler.offered("s" + s, set);
        }
        BitSet done = new BitSet();
        List<Request> inFlight = new ArrayList<>();
        for (int step = 0; step < 20_000 && !scheduler.isComplete(); step++) {
            List<Request> started = scheduler.next();
            for (Request r : started) {
                assertThat(have.get(r.source()).get(r.chunk())).as("%s has the chunk", r).isTrue();
                assertThat(done.get(r.chunk())).as("%s is still missing", r).isFalse();
                assertThat(scheduler.isBanned(r.source())).isFalse();
            }
            inFlight.addAll(started);
            assertThat(inFlight).as("within the download's in-flight bound").hasSizeLessThanOrEqualTo(swarm.maxInFlight());
            for (String source : scheduler.sources()) {
                assertThat(scheduler.inFlightChunksOf(source)).hasSizeLessThanOrEqualTo(swarm.pipeline());
            }
            Map<Integer, Integer> perChunk = new HashMap<>();
            inFlight.forEach(r -> perChunk.merge(r.chunk(), 1, Integer::sum));
            int missing = swarm.chunks() - done.cardinality();
            perChunk.values().forEach(n -> assertThat(n).isLessThanOrEqualTo(missing <= swarm.endgame() ? copies : 1));
            if (inFlight.isEmpty()) {
                assertThat(scheduler.isComplete()).isFalse();
                scheduler.sources().forEach(s -> scheduler.paused(s, false)); // only paused sources were left
                continue;
            }
            Request r = inFlight.remove(random.nextInt(inFlight.size()));
            int outcome = random.nextInt(10);
            if (r.source().equals(rogue) && outcome < 3) {
                inFlight.removeAll(scheduler.banned(r.source()));
            } else if (outcome == 3) {
                scheduler.failed(r.source(), r.chunk());
                scheduler.paused(r.source(), true);
            } else {
                done.set(r.chunk());
                inFlight.removeAll(scheduler.verified(r.source(), r.chunk()));
            }
            if (random.nextInt(4) == 0) {
                scheduler.sources().forEach(s -> scheduler.paused(s, false));
            }
            assertThat(scheduler.inFlight()).isEqualTo(inFlight.size());
        }
        assertThat(scheduler.isComplete()).isTrue();
        assertThat(done.cardinality()).isEqualTo(swarm.chunks());
    }
}
