package io.peerlift.device.domain;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.PeerOffer;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which of the peers that answered a discovery round a download tries, in which order: only offers of exactly the
 * commanded package (app, version and manifest identity), none from a peer banned for this download, none from a
 * peer that just said it has no free slot (it would answer 503), least loaded first.
 */
public final class SourceSelection {

    private SourceSelection() {
    }

    public static List<PeerOffer> usable(List<PeerOffer> offers, DeviceCommand.Upgrade command, Set<String> banned) {
        return holders(offers, command, banned)
                .filter(o -> o.freeSlots() > 0)
                .sorted(Comparator.comparingInt(PeerOffer::freeSlots).reversed().thenComparingInt(PeerOffer::activeUploads))
                .toList();
    }

    /**
     * Whether a peer holding the commanded package answered, free or not. A round in which holders answered but
     * all were busy is no reason to go to the WAN: a slot frees within one transfer. Only a round without any
     * holder counts towards PEER_THEN_WAN's fallback.
     */
    public static boolean anyHolder(List<PeerOffer> offers, DeviceCommand.Upgrade command, Set<String> banned) {
        return holders(offers, command, banned).findAny().isPresent();
    }

    private static Stream<PeerOffer> holders(List<PeerOffer> offers, DeviceCommand.Upgrade command,
                                             Set<String> banned) {
        return offers.stream()
                .filter(o -> o.app().equals(command.app()) && o.version().equals(command.version())
                        && o.manifestSha256().equals(command.manifestSha256()))
                .filter(o -> !banned.contains(o.peerId()));
    }
}
