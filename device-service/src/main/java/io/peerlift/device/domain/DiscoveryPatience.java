package io.peerlift.device.domain;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a download takes the answers of its discovery rounds, a pure rule: use the free holders; when every holder
 * is busy, ask again soon (a slot frees within one transfer); when nobody holding the package answered, back off.
 * PEER_THEN_WAN goes to the repository only after {@code fallbackAfter} such silent rounds <em>in a row</em> that
 * also span {@code fallbackAfterSilence} without a holder heard: a round whose answers came late or got lost on a
 * busy network, between rounds that heard holders, is no sign that the subnet has no peer (counted over the whole
 * download, a 1,000-device demo sent 53 devices to the WAN), and neither are a few seconds of silence: three
 * rounds take about 5 s, and a fleet whose event loops got a quarter of a core (load 42 on 2 cores) answered
 * later than that and sent 1,021 of 2,970 devices to the WAN although every subnet had peers.
 */
public final class DiscoveryPatience {

    /** What the download does after a round. */
    public enum Next {
        /** Fetch from the free holders that answered. */
        TRY_PEERS,
        /** Every holder that answered is busy: ask again after the first backoff step. */
        ASK_AGAIN_SOON,
        /** Nobody holding the package answered: ask again after {@link #silentRounds()} backoff steps. */
        BACK_OFF,
        /** PEER_THEN_WAN's patience is spent: download from the repository now. */
        FALL_BACK
    }

    private final int fallbackAfter;
    private final long fallbackAfterSilenceNanos;
    private final boolean mayFallBack;
    private final LongSupplier nanoTime;
    private int silentRounds;
    private long silentSince;
    private boolean spent;

    /**
     * @param fallbackAfter        silent rounds in a row before falling back
     * @param fallbackAfterSilence how long those rounds must have heard no holder, since the download began or the
     *                             last round that heard one
     * @param mayFallBack          whether the source policy falls back to the repository at all (PEER_THEN_WAN)
     * @param nanoTime             the clock ({@link System#nanoTime} but in tests)
     */
    public DiscoveryPatience(int fallbackAfter, Duration fallbackAfterSilence, boolean mayFallBack,
                             LongSupplier nanoTime) {
        this.fallbackAfter = fallbackAfter;
        this.fallbackAfterSilenceNanos = fallbackAfterSilence.toNanos();
        this.mayFallBack = mayFallBack;
        this.nanoTime = nanoTime;
        this.silentSince = nanoTime.getAsLong();
    }

    /**
     * @param freeHolder whether a holder of the commanded package with a free slot answered
     * @param anyHolder  whether any holder of it answered, free or busy
     */
    public Next after(boolean freeHolder, boolean anyHolder) {
        if (freeHolder || anyHolder) {
            silentRounds = 0;
            silentSince = nanoTime.getAsLong();
            return freeHolder ? Next.TRY_PEERS : Next.ASK_AGAIN_SOON;
        }
        silentRounds++;
        spent = mayFallBack && silentRounds >= fallbackAfter
                && nanoTime.getAsLong() - silentSince >= fallbackAfterSilenceNanos;
        return spent ? Next.FALL_BACK : Next.BACK_OFF;
    }

    /** Whether the download goes to the repository instead of asking the subnet again: decided by a round only. */
    public boolean spent() {
        return spent;
    }

    /** Silent rounds in a row so far. */
    public int silentRounds() {
        return silentRounds;
    }
}
