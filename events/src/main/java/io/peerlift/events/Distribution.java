package io.peerlift.events;

/** How a rollout spreads a package through a subnet. */
public enum Distribution {
    /**
     * IGEL's behaviour: a device fetches the whole package from one peer (or the repository) and serves it once it
     * holds every chunk; the sources double each round.
     */
    WHOLE_FILE,
    /**
     * Piece swarming: a device serves every chunk it verified while it is still downloading and fetches from several
     * holders at once, rarest chunk first; a subnet upgrades in about one transfer time.
     */
    SWARM;

    /** An absent value (a command or request of before this option) means {@link #WHOLE_FILE}. */
    public static Distribution orDefault(Distribution distribution) {
        return distribution == null ? WHOLE_FILE : distribution;
    }
}
