package io.peerlift.rollout.domain;

import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.SubnetPlanner.Plan;
import io.peerlift.rollout.domain.SubnetPlanner.Situation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduling rule on its own: one situation, one decision. */
class SubnetPlannerTest {

    private static Plan plan(int peers, int peerSlots, int peerDownloads, int seedsOutstanding, int ready,
                             int wanSlotsFree, int wanSeeds, SourcePolicy policy) {
        return SubnetPlanner.plan(new Situation(peers, peerSlots, peerDownloads, seedsOutstanding, 0, ready,
                wanSlotsFree, wanSeeds, policy));
    }

    @Test
    void everyFreePeerSlotTakesOnePendingDevice() {
        assertThat(plan(4, 4, 0, 0, 20, 10, 1, SourcePolicy.PEER_THEN_WAN)).isEqualTo(new Plan(0, 4, null));
        assertThat(plan(3, 6, 2, 0, 20, 10, 1, SourcePolicy.PEER_THEN_WAN)).isEqualTo(new Plan(0, 4, null));
        assertThat(plan(8, 8, 0, 0, 3, 10, 1, SourcePolicy.PEER_ONLY)).isEqualTo(new Plan(0, 3, null));
    }

    @Test
    void busyPeersMeanWaitingWithoutAReasonSinceDownloadsAreMoving() {
        assertThat(plan(2, 2, 2, 0, 5, 10, 1, SourcePolicy.PEER_THEN_WAN)).isEqualTo(new Plan(0, 0, null));
    }

    @Test
    void peersWithoutCapacityAreReported() {
        assertThat(plan(2, 0, 0, 0, 5, 10, 1, SourcePolicy.PEER_THEN_WAN).waiting()).contains("no upload slot");
    }

    @Test
    void aPeerlessSubnetGetsExactlyItsSeedsAndTheRestWaitForThem() {
        Plan seeded = plan(0, 0, 0, 0, 5, 10, 2, SourcePolicy.PEER_THEN_WAN);
        assertThat(seeded.seeds()).isEqualTo(2);
        assertThat(seeded.local()).isZero();
        assertThat(seeded.waiting()).contains("2 WAN seed(s)");
        assertThat(plan(0, 0, 0, 2, 3, 10, 2, SourcePolicy.PEER_THEN_WAN).seeds()).isZero();
        // A seed that failed for good is replaced.
        assertThat(plan(0, 0, 0, 1, 3, 10, 2, SourcePolicy.PEER_THEN_WAN).seeds()).isEqualTo(1);
    }

    @Test
    void aSeedThatUpgradedButDidNotServeIsReplacedAndTheWaitingSaysSo() {
        // The expired seed no longer counts as outstanding: the subnet gets a new one.
        Plan reseeded = SubnetPlanner.plan(new Situation(0, 0, 0, 0, 1, 4, 10, 1, SourcePolicy.PEER_THEN_WAN));
        assertThat(reseeded.seeds()).isEqualTo(1);
        assertThat(reseeded.waiting()).isEqualTo("no peer in the subnet serves the target yet: waiting for its 1 WAN"
                + " seed(s) to download and start serving (1 earlier seed(s) upgraded but did not serve: replaced)");
    }

    @Test
    void seedsStayWithinTheGlobalWanCap() {
        assertThat(plan(0, 0, 0, 0, 5, 1, 3, SourcePolicy.PEER_THEN_WAN).seeds()).isEqualTo(1);
        Plan capped = plan(0, 0, 0, 0, 5, 0, 1, SourcePolicy.PEER_THEN_WAN);
        assertThat(capped.seeds()).isZero();
        assertThat(capped.waiting()).contains("WAN download slot");
    }

    @Test
    void withoutSeedsAPeerlessSubnetWaitsAndPeerOnlySaysSo() {
        assertThat(plan(0, 0, 0, 0, 5, 10, 0, SourcePolicy.PEER_ONLY)).isEqualTo(new Plan(0, 0,
                "no peer in the subnet serves the target and wanSeedsPerSubnet is 0: PEER_ONLY waits for a peer"));
    }

    @Test
    void nothingPendingNothingToSay() {
        assertThat(plan(0, 0, 0, 0, 0, 0, 1, SourcePolicy.PEER_ONLY)).isEqualTo(new Plan(0, 0, null));
    }
}
