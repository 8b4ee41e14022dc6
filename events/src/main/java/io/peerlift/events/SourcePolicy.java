package io.peerlift.events;

/** Where a commanded device may fetch the app from. */
public enum SourcePolicy {
    /** Peers only: repeat discovery with backoff until a peer answers. */
    PEER_ONLY,
    /** Peers first; the repository after a configured number of empty discovery rounds. */
    PEER_THEN_WAN,
    /** The repository at once: this device seeds its subnet. */
    WAN_SEED
}
