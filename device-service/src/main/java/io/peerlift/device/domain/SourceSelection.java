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
 * peer that just said it has no free slot (it would answer 503; a swarm keeps it, as its slot frees within a chunk),
 * none this device may not reach ({@link Transport}),
 * least loaded first.
 */
public final class SourceSelection {

    private SourceSelection() {
    }

    /**
     * How this device may reach a peer: over HTTPS whenever the peer offers it and this device holds the fleet CA to
     * verify it; else over plain HTTP, where its configuration allows that.
     *
     * @param verifiesHttps whether this device holds the fleet CA
     * @param httpAllowed   {@code peerlift.peer_download.http_allowed}
     */
    public record Transport(boolean verifiesHttps, boolean httpAllowed) {

        /** Whether to download from the offer over HTTPS. */
        public boolean https(PeerOffer offer) {
            return verifiesHttps && offer.offersHttps();
        }

        public boolean reaches(PeerOffer offer) {
            return https(offer) || httpAllowed;
        }

        /** False when no peer could ever be used: plain HTTP is not allowed and there is no CA to verify HTTPS. */
        public boolean reachesAnyPeer() {
            return verifiesHttps || httpAllowed;
        }
    }

    public static List<PeerOffer> usable(List<PeerOffer> offers, DeviceCommand.Upgrade command, Set<String> banned,
                                         Transport transport, boolean swarm) {
        return holders(offers, command, banned, transport)
                .filter(o -> swarm || o.freeSlots() > 0)
                .sorted(Comparator.comparingInt(PeerOffer::freeSlots).reversed().thenComparingInt(PeerOffer::activeUploads))
                .toList();
    }

    /**
     * Whether a peer holding the commanded package answered, free or not. A round in which holders answered but
     * all were busy is no reason to go to the WAN: a slot frees within one transfer. Only a round without any
     * holder counts towards PEER_THEN_WAN's fallback.
     */
    public static boolean anyHolder(List<PeerOffer> offers, DeviceCommand.Upgrade command, Set<String> banned,
                                    Transport transport) {
        return holders(offers, command, banned, transport).findAny().isPresent();
    }

    private static Stream<PeerOffer> holders(List<PeerOffer> offers, DeviceCommand.Upgrade command,
                                             Set<String> banned, Transport transport) {
        return offers.stream()
                .filter(o -> o.app().equals(command.app()) && o.version().equals(command.version())
                        && o.manifestSha256().equals(command.manifestSha256()))
                .filter(o -> !banned.contains(o.peerId()))
                .filter(transport::reaches);
    }
}
