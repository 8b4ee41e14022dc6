package io.peerlift.events;

/** One discovery answer: a peer that holds the app and serves it, with its current load. */
public record PeerOffer(String peerId, String address, int port, String app, String version, String manifestSha256,
                        int activeUploads, int capacity) {

    public int freeSlots() {
        return Math.max(0, capacity - activeUploads);
    }
}
