package io.peerlift.device.domain;

import io.peerlift.device.domain.DiscoveryPatience.Next;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryPatienceTest {

    @Test
    void aFreeHolderIsUsedAndABusyOneIsAskedAgainSoon() {
        DiscoveryPatience patience = new DiscoveryPatience(3, true);

        assertThat(patience.after(true, true)).isEqualTo(Next.TRY_PEERS);
        assertThat(patience.after(false, true)).isEqualTo(Next.ASK_AGAIN_SOON);
        assertThat(patience.spent()).isFalse();
    }

    @Test
    void silentRoundsBackOffLongerAndOnlyThreeInARowFallBack() {
        DiscoveryPatience patience = new DiscoveryPatience(3, true);

        assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
        assertThat(patience.silentRounds()).isEqualTo(1);
        assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
        assertThat(patience.silentRounds()).isEqualTo(2);
        assertThat(patience.after(false, false)).isEqualTo(Next.FALL_BACK);
        assertThat(patience.spent()).isTrue();
    }

    @Test
    void silentRoundsBetweenRoundsThatHeardAHolderNeverFallBack() {
        DiscoveryPatience patience = new DiscoveryPatience(3, true);

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
        DiscoveryPatience patience = new DiscoveryPatience(3, false);

        for (int i = 0; i < 10; i++) {
            assertThat(patience.after(false, false)).isEqualTo(Next.BACK_OFF);
        }
        assertThat(patience.spent()).isFalse();
        assertThat(patience.silentRounds()).isEqualTo(10);
    }
}
