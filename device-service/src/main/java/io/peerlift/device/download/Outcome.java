package io.peerlift.device.download;

/** How one attempt against one source ended. */
public enum Outcome {
    /** Every chunk is verified. */
    COMPLETE,
    /** The source answered 503: at its connection limit. */
    BUSY,
    /** Connection refused or dropped, an unexpected status, a short body or a source that stopped sending. */
    UNAVAILABLE,
    /** The source sent bytes that do not match the manifest: never use it again for this download. */
    CORRUPT,
    /**
     * The peer's HTTPS certificate does not chain to the fleet CA or does not name the peer's address (a host posing
     * as the peer), or the release signature it serves does not vouch for the release: never use it again for this
     * download.
     */
    UNTRUSTED,
    /** The download was cancelled. */
    CANCELLED
}
