package io.peerlift.demo;

import org.junit.jupiter.api.Test;

import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Events lost are the gaps in an incarnation's seqs; only a restart's jump to the next reserved block is none. */
class FaultReportTest {

    @Test
    void aWholeStreamLostNothing() {
        assertThat(FaultReport.lost(stream(1, 2, 3, 4))).isZero();
    }

    @Test
    void aGapInsideABlockIsLost() {
        assertThat(FaultReport.lost(stream(1, 2, 5, 6))).isEqualTo(2);
    }

    @Test
    void aRestartGoesOnWithItsAnnounceAfterTheBlockItHadReserved() {
        TreeMap<Long, Boolean> seqs = stream(1, 2, 3);
        seqs.put(FaultReport.SEQ_BLOCK + 1, true); // the restarted device's announce
        seqs.put(FaultReport.SEQ_BLOCK + 2, false);
        assertThat(FaultReport.lost(seqs)).isZero();
    }

    @Test
    void aJumpToABlockStartThatNoAnnounceHoldsIsLost() {
        TreeMap<Long, Boolean> seqs = stream(1, 2, 3);
        seqs.put(FaultReport.SEQ_BLOCK + 1, false); // no restart: the events 4..64 were sent and never arrived
        assertThat(FaultReport.lost(seqs)).isEqualTo(FaultReport.SEQ_BLOCK - 3);
    }

    /** Seqs of events that are no announce except the first (a run begins with one). */
    private static TreeMap<Long, Boolean> stream(long... seqs) {
        TreeMap<Long, Boolean> stream = new TreeMap<>();
        for (long seq : seqs) {
            stream.put(seq, seq == 1);
        }
        return stream;
    }
}
