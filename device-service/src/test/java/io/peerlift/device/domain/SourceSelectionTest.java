package io.peerlift.device.domain;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.SourcePolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SourceSelectionTest {

    private static final String HASH = "a".repeat(64);
    private static final DeviceCommand.Upgrade UPGRADE = new DeviceCommand.Upgrade(UUID.randomUUID(), "d1",
            "10.0.0.0/24", Instant.now(), "r1", "base-system", "12.7.4", HASH, SourcePolicy.PEER_THEN_WAN,
            "http://127.0.0.1:9/api/apps", 1, null, null);

    private static PeerOffer offer(String peer, String version, int freeSlots) {
        return new PeerOffer(peer, "10.0.0.2", 22335, "base-system", version, HASH, 1, 1 + freeSlots, 0);
    }

    private static final SourceSelection.Transport HTTP = new SourceSelection.Transport(false, true);

    @Test
    void onlyFreeHoldersOfTheCommandedPackageAreTriedTheLeastLoadedFirst() {
        List<PeerOffer> offers = List.of(offer("busy", "12.7.4", 0), offer("one", "12.7.4", 1),
                offer("other-version", "12.7.5", 3), new PeerOffer("two", "10.0.0.3", 22335, "base-system",
                        "12.7.4", HASH, 0, 2, 0), offer("banned", "12.7.4", 5));

        assertThat(SourceSelection.usable(offers, UPGRADE, Set.of("banned"), HTTP, false))
                .extracting(PeerOffer::peerId).containsExactly("two", "one");
    }

    @Test
    void aRoundWhoseHoldersAreAllBusyStillFoundAHolderSoItDoesNotCountTowardsTheWan() {
        List<PeerOffer> allBusy = List.of(offer("busy", "12.7.4", 0));
        assertThat(SourceSelection.usable(allBusy, UPGRADE, Set.of(), HTTP, false)).isEmpty();
        assertThat(SourceSelection.anyHolder(allBusy, UPGRADE, Set.of(), HTTP)).isTrue();

        assertThat(SourceSelection.anyHolder(List.of(), UPGRADE, Set.of(), HTTP)).isFalse();
        assertThat(SourceSelection.anyHolder(List.of(offer("other-version", "12.7.5", 1)), UPGRADE, Set.of(), HTTP)).isFalse();
        assertThat(SourceSelection.anyHolder(allBusy, UPGRADE, Set.of("busy"), HTTP)).as("a banned holder is no holder")
                .isFalse();
    }

    @Test
    void httpsIsUsedWhereverOfferedAndVerifiableAndPlainHttpOnlyWhereAllowed() {
        PeerOffer plain = offer("plain", "12.7.4", 2);
        PeerOffer secure = new PeerOffer("secure", "10.0.0.4", 22335, "base-system", "12.7.4", HASH, 1, 2, 22337);
        SourceSelection.Transport verifiesAndAllowsHttp = new SourceSelection.Transport(true, true);
        SourceSelection.Transport httpsOnly = new SourceSelection.Transport(true, false);
        SourceSelection.Transport noFleetCa = new SourceSelection.Transport(false, false);

        assertThat(verifiesAndAllowsHttp.https(secure)).isTrue();
        assertThat(verifiesAndAllowsHttp.https(plain)).isFalse();
        assertThat(HTTP.https(secure)).as("without the fleet CA nothing is verified: HTTP").isFalse();
        assertThat(SourceSelection.usable(List.of(plain, secure), UPGRADE, Set.of(), verifiesAndAllowsHttp, false))
                .extracting(PeerOffer::peerId).containsExactly("plain", "secure");
        assertThat(SourceSelection.usable(List.of(plain, secure), UPGRADE, Set.of(), httpsOnly, false))
                .extracting(PeerOffer::peerId).containsExactly("secure");
        assertThat(SourceSelection.usable(List.of(plain, secure), UPGRADE, Set.of(), noFleetCa, false)).isEmpty();
        assertThat(noFleetCa.reachesAnyPeer()).as("the download says so instead of asking the subnet forever").isFalse();
        assertThat(httpsOnly.reachesAnyPeer()).isTrue();
        assertThat(HTTP.reachesAnyPeer()).isTrue();
        assertThat(SourceSelection.anyHolder(List.of(plain), UPGRADE, Set.of(), httpsOnly))
                .as("a holder this device may not reach is no holder: PEER_THEN_WAN falls back").isFalse();
    }
}
