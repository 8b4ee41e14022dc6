package io.peerlift.events;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class IdealSpreadTest {

    /** The demo's round: 0.5 s transfer, 1 s install, 3 s reboot. */
    private static final long ROUND = IdealSpread.roundMillis(500L, 1000L, 3000L);

    @Test
    void peersDoubleEachRoundWithOneSlotAndTripleWithTwo() {
        assertThat(IdealSpread.upgradedPerRound(1, 50, 1)).containsExactly(1, 3, 7, 15, 31, 49);
        assertThat(IdealSpread.upgradedPerRound(1, 50, 2)).containsExactly(2, 8, 26, 49);
        assertThat(IdealSpread.upgradedPerRound(2, 20, 1)).containsExactly(2, 6, 14, 18);
    }

    @Test
    void aSubnetWithoutPeersFirstWaitsOneRoundForItsWanSeed() {
        assertThat(IdealSpread.upgradedPerRound(0, 50, 1)).containsExactly(1, 2, 4, 8, 16, 32, 50);
        assertThat(IdealSpread.rounds(0, 50, 1)).isEqualTo(7);
        assertThat(IdealSpread.upgradedPerRound(5, 5, 1)).isEmpty();
    }

    @Test
    void aRoundNeedsAllThreeMedians() {
        assertThat(ROUND).isEqualTo(4500);
        assertThat(IdealSpread.roundMillis(500L, null, 3000L)).isNull();
    }

    @Test
    void aSubnetOnTheIdealHasRatioOneAndOneSixTimesSlowerHasSix() {
        IdealSpread.Curve ideal = IdealSpread.Curve.ofSubnet(0, ROUND, IdealSpread.upgradedPerRound(0, 50, 1));
        assertThat(ideal.endMillis()).isEqualTo(7 * ROUND);

        assertThat(IdealSpread.ratio(ideal, 50, 7 * ROUND, 7 * ROUND + 100, true)).isCloseTo(1.0, offset(1e-9));
        assertThat(IdealSpread.ratio(ideal, 50, 6 * 7 * ROUND, 6 * 7 * ROUND, true)).isCloseTo(6.0, offset(1e-9));
    }

    @Test
    void aSubnetThatStandsStillSeesItsRatioRise() {
        IdealSpread.Curve ideal = IdealSpread.Curve.ofSubnet(0, ROUND, IdealSpread.upgradedPerRound(1, 50, 1));
        // 3 upgraded after two rounds, on time; nothing since, 20 rounds in: the 4th was due after round 3.
        assertThat(IdealSpread.ratio(ideal, 3, 2 * ROUND, 2 * ROUND, false)).isCloseTo(1.0, offset(1e-9));
        assertThat(IdealSpread.ratio(ideal, 3, 2 * ROUND, 20 * ROUND, false)).isCloseTo(20 / 3.0, offset(1e-9));
        // Nothing upgraded yet and only half a round gone: not behind yet.
        assertThat(IdealSpread.ratio(ideal, 0, null, ROUND / 2, false)).isCloseTo(0.5, offset(1e-9));
    }

    @Test
    void subnetsSideBySideAddUp() {
        IdealSpread.Curve a = IdealSpread.Curve.ofSubnet(0, 1000, List.of(1, 3));
        IdealSpread.Curve b = IdealSpread.Curve.ofSubnet(500, 1000, List.of(2, 4));
        IdealSpread.Curve both = IdealSpread.Curve.sum(List.of(a, b));

        assertThat(both.steps()).containsExactly(new IdealSpread.Step(1000, 1), new IdealSpread.Step(1500, 3),
                new IdealSpread.Step(2000, 5), new IdealSpread.Step(2500, 7));
        assertThat(both.upgradedAt(1999)).isEqualTo(3);
        assertThat(both.millisToReach(6)).isEqualTo(2500);
        assertThat(both.millisToReach(8)).isNull();
    }
}
