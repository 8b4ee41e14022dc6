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
                wanSlotsFree, wanSeeds, policy, null, 0));
    }

    private static Plan swarm(int peers, int seedsOutstanding, int ready, int max, int downloading,
                              int seedsWithChunks) {
        return SubnetPlanner.plan(new Situation(peers, peers, 0, seedsOutstanding, 0, ready, 10, 1,
                SourcePolicy.PEER_THEN_WAN, new SubnetPlanner.Swarm(max, downloading, seedsWithChunks), 0));
    }

    @Test
    void aSwarmWithoutASourceIsSeededOnceAndWaitsForTheSeedsFirstChunk() {
        Plan seeded = swarm(0, 0, 40, 64, 0, 0);
        assertThat(seeded).isEqualTo(new Plan(1, 0, seeded.waiting()));
        assertThat(seeded.waiting()).contains("verify a first chunk");
        assertThat(swarm(0, 1, 39, 64, 1, 0)).extracting(Plan::seeds, Plan::local).containsExactly(0, 0);
    }

    @Test
    void aSeedWithAFirstChunkOrAPeerOpensTheSwarmUpToItsCap() {
        assertThat(swarm(0, 1, 39, 64, 1, 1)).isEqualTo(new Plan(0, 39, null));
        assertThat(swarm(0, 1, 100, 64, 1, 1)).isEqualTo(new Plan(0, 63, null));
        assertThat(swarm(2, 0, 100, 10, 4, 0)).isEqualTo(new Plan(0, 6, null));
    }

    @Test
    void aFullSwarmAdmitsMoreOnlyAsDevicesFinishDownloading() {
        assertThat(swarm(1, 0, 30, 8, 8, 0)).isEqualTo(new Plan(0, 0, null));
        assertThat(swarm(1, 0, 30, 8, 5, 0)).isEqualTo(new Plan(0, 3, null));
    }

    @Test
    void aSwarmIsNotBoundByPeerSlots() {
        // One peer with one slot would take one device a round whole-file; its swarm takes up to the cap at once.
        assertThat(plan(1, 1, 0, 0, 20, 10, 1, SourcePolicy.PEER_THEN_WAN).local()).isEqualTo(1);
        assertThat(swarm(1, 0, 20, 64, 0, 0).local()).isEqualTo(20);
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
        Plan reseeded = SubnetPlanner.plan(new Situation(0, 0, 0, 0, 1, 4, 10, 1, SourcePolicy.PEER_THEN_WAN, null,
                0));
        assertThat(reseeded.seeds()).isEqualTo(1);
        assertThat(reseeded.waiting()).isEqualTo("no peer in the subnet serves the target yet: waiting for its 1 WAN"
                + " seed(s) to download and start serving (1 earlier seed(s) upgraded but did not serve: replaced)");
    }

    @Test
    void aSubnetWhosePeersStoppedServingMomentsAgoWaitsForThemInsteadOfASeed() {
        Plan waiting = SubnetPlanner.plan(new Situation(0, 0, 0, 0, 0, 5, 10, 1, SourcePolicy.PEER_THEN_WAN, null, 2));
        assertThat(waiting.seeds()).isZero();
        assertThat(waiting.local()).isZero();
        assertThat(waiting.waiting()).startsWith("2 device(s) of the subnet holding the target stopped serving");
        // A peer that serves again is a peer: the restarting one beside it changes nothing.
        assertThat(SubnetPlanner.plan(new Situation(1, 1, 0, 0, 0, 5, 10, 1, SourcePolicy.PEER_THEN_WAN, null, 1)))
                .isEqualTo(new Plan(0, 1, null));
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
