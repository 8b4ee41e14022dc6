package io.peerlift.device.domain;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.PeerOffer;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which of the peers that answered a discovery round a download tries, in which order: only offers of exactly the
 * commanded package (app, version and manifest identity), none from a peer banned for this download, none from a
 * peer that just said it has no free slot (it would answer 503), least loaded first.
 */
public final class SourceSelection {

    private SourceSelection() {
    }

    public static List<PeerOffer> usable(List<PeerOffer> offers, DeviceCommand.Upgrade command, Set<String> banned) {
        return offers.stream()
                .filter(o -> o.app().equals(command.app()) && o.version().equals(command.version())
                        && o.manifestSha256().equals(command.manifestSha256()))
                .filter(o -> !banned.contains(o.peerId()))
                .filter(o -> o.freeSlots() > 0)
                .sorted(Comparator.comparingInt(PeerOffer::freeSlots).reversed().thenComparingInt(PeerOffer::activeUploads))
                .toList();
    }
}
