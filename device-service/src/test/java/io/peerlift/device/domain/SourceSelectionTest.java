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
        return new PeerOffer(peer, "10.0.0.2", 22335, "base-system", version, HASH, 1, 1 + freeSlots);
    }

    @Test
    void onlyFreeHoldersOfTheCommandedPackageAreTriedTheLeastLoadedFirst() {
        List<PeerOffer> offers = List.of(offer("busy", "12.7.4", 0), offer("one", "12.7.4", 1),
                offer("other-version", "12.7.5", 3), new PeerOffer("two", "10.0.0.3", 22335, "base-system",
                        "12.7.4", HASH, 0, 2), offer("banned", "12.7.4", 5));

        assertThat(SourceSelection.usable(offers, UPGRADE, Set.of("banned")))
                .extracting(PeerOffer::peerId).containsExactly("two", "one");
    }

    @Test
    void aRoundWhoseHoldersAreAllBusyStillFoundAHolderSoItDoesNotCountTowardsTheWan() {
        List<PeerOffer> allBusy = List.of(offer("busy", "12.7.4", 0));
        assertThat(SourceSelection.usable(allBusy, UPGRADE, Set.of())).isEmpty();
        assertThat(SourceSelection.anyHolder(allBusy, UPGRADE, Set.of())).isTrue();

        assertThat(SourceSelection.anyHolder(List.of(), UPGRADE, Set.of())).isFalse();
        assertThat(SourceSelection.anyHolder(List.of(offer("other-version", "12.7.5", 1)), UPGRADE, Set.of())).isFalse();
        assertThat(SourceSelection.anyHolder(allBusy, UPGRADE, Set.of("busy"))).as("a banned holder is no holder")
                .isFalse();
    }
}
