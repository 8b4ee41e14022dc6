package io.peerlift.device.domain;

import io.peerlift.device.domain.SourceRoute.Kind;
import io.peerlift.events.SourcePolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceRouteTest {

    @Test
    void discoveryOffFailsPeerThenWanUnlessTheProjectKeyAllowsTheWan() {
        SourceRoute refused = SourceRoute.of(SourcePolicy.PEER_THEN_WAN, false, true, false);
        assertThat(refused.kind()).isEqualTo(Kind.FAIL);
        assertThat(refused.failure()).contains("'update.discovery.enabled' = false", "PEER_THEN_WAN",
                "'peerlift.update.wan_without_discovery' = true allows that");

        assertThat(SourceRoute.of(SourcePolicy.PEER_THEN_WAN, false, true, true).kind()).isEqualTo(Kind.REPOSITORY);
    }

    @Test
    void discoveryOffFailsPeerOnlyWhateverTheProjectKeySays() {
        for (boolean wanWithoutDiscovery : new boolean[] {false, true}) {
            SourceRoute route = SourceRoute.of(SourcePolicy.PEER_ONLY, false, true, wanWithoutDiscovery);
            assertThat(route.kind()).isEqualTo(Kind.FAIL);
            assertThat(route.failure()).endsWith("and the policy is PEER_ONLY");
        }
    }

    @Test
    void aWanSeedGoesToTheRepositoryAndAnUnreachablePeerFallsBackOnlyUnderPeerThenWan() {
        assertThat(SourceRoute.of(SourcePolicy.WAN_SEED, false, false, false).kind()).isEqualTo(Kind.REPOSITORY);
        assertThat(SourceRoute.of(SourcePolicy.PEER_THEN_WAN, true, false, false).kind()).isEqualTo(Kind.REPOSITORY);
        assertThat(SourceRoute.of(SourcePolicy.PEER_ONLY, true, false, false).kind()).isEqualTo(Kind.FAIL);
    }

    @Test
    void withDiscoveryOnAndAReachablePeerEveryPeerPolicyDiscovers() {
        assertThat(SourceRoute.of(SourcePolicy.PEER_THEN_WAN, true, true, false).kind()).isEqualTo(Kind.DISCOVER);
        assertThat(SourceRoute.of(SourcePolicy.PEER_ONLY, true, true, true).kind()).isEqualTo(Kind.DISCOVER);
    }
}
