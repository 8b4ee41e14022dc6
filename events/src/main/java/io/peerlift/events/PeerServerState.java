package io.peerlift.events;

/** The state of a device's peer update server as of an announcement. */
public record PeerServerState(boolean running, int port, int capacity, int activeUploads) {

    public static PeerServerState stopped(int port) {
        return new PeerServerState(false, port, 0, 0);
    }
}
