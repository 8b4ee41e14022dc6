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
     * The chunks offered when the answer lists them; empty for a complete holder or one to ask.
     *
     * @throws IllegalArgumentException when {@code have} is not Base64
     */
    public Optional<BitSet> listed() {
        return have == null || HAVE_ASK.equals(have) ? Optional.empty()
                : Optional.of(BitSet.valueOf(Base64.getUrlDecoder().decode(have)));
    }

    public int freeSlots() {
        return Math.max(0, capacity - activeUploads);
    }

    public boolean offersHttps() {
        return httpsPort > 0;
    }
}
