package io.peerlift.device.domain;

import io.peerlift.device.domain.DiscoveryPatience.Next;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryPatienceTest {

    private final AtomicLong nanos = new AtomicLong(1_000);

    private DiscoveryPatience patience(Duration silence, boolean mayFallBack) {
        return new DiscoveryPatience(3, silence, mayFallBack, nanos::get);
    }

    private void elapse(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Test
    void aFreeHolderIsUsedAndABusyOneIsAskedAgainSoon() {
        DiscoveryPatience patience = patience(Duration.ZERO, true);

        assertThat(patience.after(true, true)).isEqualTo(Next.TRY_PEERS);
        assertThat(patience.after(false, true)).isEqualTo(Next.ASK_AGAIN_SOON);
        assertThat(patience.spent()).isFalse();
    }

    @Test
    void silentRoundsBackOffLongerAndOnlyThreeInARowFallBack() {
        DiscoveryPatience patience = patience(Duration.ZERO, true);

        assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
        assertThat(patience.silentRounds()).isEqualTo(1);
        assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
        assertThat(patience.silentRounds()).isEqualTo(2);
        assertThat(patience.after(false, false)).isEqualTo(Next.FALL_BACK);
        assertThat(patience.spent()).isTrue();
    }

    @Test
    void silentRoundsFallBackOnlyOnceTheyHeardNoHolderForTheWholeSilence() {
        DiscoveryPatience patience = patience(Duration.ofSeconds(30), true);

        for (int round = 1; round <= 5; round++) {
            elapse(Duration.ofSeconds(5));
            assertThat(patience.after(false, false)).as("round %d, %d s of silence", round, 5 * round)
                    .isEqualTo(Next.BACK_OFF);
        }
        elapse(Duration.ofSeconds(20));
        assertThat(patience.spent()).as("time alone decides nothing: a round does").isFalse();
        assertThat(patience.after(false, false)).isEqualTo(Next.FALL_BACK);
        assertThat(patience.spent()).isTrue();
    }

    @Test
    void aHolderHeardStartsTheSilenceAgain() {
        DiscoveryPatience patience = patience(Duration.ofSeconds(30), true);

        elapse(Duration.ofSeconds(25));
        assertThat(patience.after(false, true)).as("a busy holder answered").isEqualTo(Next.ASK_AGAIN_SOON);
        for (int round = 0; round < 4; round++) {
            elapse(Duration.ofSeconds(7));
            assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
        }
        elapse(Duration.ofSeconds(3));
        assertThat(patience.after(false, false)).as("30 s since the holder").isEqualTo(Next.FALL_BACK);
    }

    @Test
    void silentRoundsBetweenRoundsThatHeardAHolderNeverFallBack() {
        DiscoveryPatience patience = patience(Duration.ZERO, true);

        for (int i = 0; i < 20; i++) {
            assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
            assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
            assertThat(patience.after(false, true)).as("a busy holder answered").isEqualTo(Next.ASK_AGAIN_SOON);
        }
        assertThat(patience.spent()).isFalse();
        assertThat(patience.silentRounds()).isZero();
    }

    @Test
    void peerOnlyNeverFallsBack() {
        DiscoveryPatience patience = patience(Duration.ZERO, false);

        for (int i = 0; i < 10; i++) {
            elapse(Duration.ofMinutes(1));
            assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
        }
        assertThat(patience.spent()).isFalse();
        assertThat(patience.silentRounds()).isEqualTo(10);
    }
}
