package io.peerlift.events;

import java.util.Base64;
import java.util.BitSet;
import java.util.Optional;

/**
 * One discovery answer: a peer that holds the app (or, swarming, some of its chunks) and serves it, with its current
 * load. {@code have} says which chunks: null for every chunk (a complete holder, and every answer of before
 * swarming), {@link #HAVE_ASK} for "some: ask my {@code /have}" (a have-list too large for a datagram), otherwise
 * the verified chunks as a bitmap ({@link BitSet#toByteArray()}, bit i = chunk i) in URL-safe Base64.
 *
 * @param port      the peer update server's HTTP port
 * @param httpsPort the port of its HTTPS server (OS 12.9), presenting the device's certificate; 0 when it serves
 *                  no HTTPS (and from peers older than this field)
 */
public record PeerOffer(String peerId, String address, int port, String app, String version, String manifestSha256,
                        int activeUploads, int capacity, @DeviceEvent.OlderProducer int httpsPort,
                        String have) {

    /** The {@code have} of a partial holder whose list is fetched from its {@code /have} resource. */
    public static final String HAVE_ASK = "*";
    /** Have-lists longer than this (about 2,000 chunks) are not put in a datagram. */
    public static final int MAX_HAVE_CHARS = 344;

    /** A complete holder. */
    public PeerOffer(String peerId, String address, int port, String app, String version, String manifestSha256,
                     int activeUploads, int capacity, int httpsPort) {
        this(peerId, address, port, app, version, manifestSha256, activeUploads, capacity, httpsPort, null);
    }

    /** The {@code have} of a holder of {@code verified}: inline when small, otherwise {@link #HAVE_ASK}. */
    public static String haveOf(BitSet verified) {
        String inline = Base64.getUrlEncoder().withoutPadding().encodeToString(verified.toByteArray());
        return inline.length() <= MAX_HAVE_CHARS ? inline : HAVE_ASK;
    }

    public boolean complete() {
        return have == null;
    }

    /**
     * Whether {@code have} is a have-list a holder may send: null (complete), {@link #HAVE_ASK}, or a bitmap in
     * URL-safe Base64 of at most {@link #MAX_HAVE_CHARS}. The one check of every have-list heard, in a discovery
     * answer or with a chunk (a hostile one, such as "A", is never decoded twice in two ways).
     */
    public static boolean isHave(String have) {
        return have == null || HAVE_ASK.equals(have) || decoded(have).isPresent();
    }

    /** The chunks {@code have} lists: empty for a complete holder, one to ask, or a have-list that is malformed. */
    public static Optional<BitSet> listed(String have) {
        return have == null || HAVE_ASK.equals(have) ? Optional.empty() : decoded(have);
    }

    /** The chunks this answer lists ({@link #listed(String)}). */
    public Optional<BitSet> listed() {
        return listed(have);
    }

    private static Optional<BitSet> decoded(String have) {
        if (have.isEmpty() || have.length() > MAX_HAVE_CHARS) {
            return Optional.empty();
        }
        try {
            return Optional.of(BitSet.valueOf(Base64.getUrlDecoder().decode(have)));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    public int freeSlots() {
        return Math.max(0, capacity - activeUploads);
    }

    public boolean offersHttps() {
        return httpsPort > 0;
    }
}
