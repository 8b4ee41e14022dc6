package io.peerlift.events;

/** Where the bytes of a download came from: a peer in the subnet, or the repository across the WAN. */
public enum DownloadSource {
    PEER,
    WAN
}
