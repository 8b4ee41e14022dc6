package io.peerlift.device.domain;

/**
 * How a download takes the answers of its discovery rounds, a pure rule: use the free holders; when every holder
 * is busy, ask again soon (a slot frees within one transfer); when nobody holding the package answered, back off.
 * PEER_THEN_WAN goes to the repository only after {@code fallbackAfter} such silent rounds <em>in a row</em>: a
 * round whose answers came late or got lost on a busy network, between rounds that heard holders, is no sign that
 * the subnet has no peer. (Counted over the whole download, a 1,000-device demo sent 53 devices to the WAN.)
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
    private final boolean mayFallBack;
    private int silentRounds;

    /**
     * @param fallbackAfter silent rounds in a row before falling back
     * @param mayFallBack   whether the source policy falls back to the repository at all (PEER_THEN_WAN)
     */
    public DiscoveryPatience(int fallbackAfter, boolean mayFallBack) {
        this.fallbackAfter = fallbackAfter;
        this.mayFallBack = mayFallBack;
    }

    /**
     * @param freeHolder whether a holder of the commanded package with a free slot answered
     * @param anyHolder  whether any holder of it answered, free or busy
     */
    public Next after(boolean freeHolder, boolean anyHolder) {
        if (freeHolder || anyHolder) {
            silentRounds = 0;
            return freeHolder ? Next.TRY_PEERS : Next.ASK_AGAIN_SOON;
        }
        silentRounds++;
        return spent() ? Next.FALL_BACK : Next.BACK_OFF;
    }

    /** Whether the download goes to the repository instead of asking the subnet again. */
    public boolean spent() {
        return mayFallBack && silentRounds >= fallbackAfter;
    }

    /** Silent rounds in a row so far. */
    public int silentRounds() {
        return silentRounds;
    }
}
