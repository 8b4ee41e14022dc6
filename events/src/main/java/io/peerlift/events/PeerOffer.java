package io.peerlift.events;

/**
 * One discovery answer: a peer that holds the app and serves it, with its current load.
 *
 * @param port      the peer update server's HTTP port
 * @param httpsPort the port of its HTTPS server (OS 12.9), presenting the device's certificate; 0 when it serves
 *                  no HTTPS (and from peers older than this field)
 */
public record PeerOffer(String peerId, String address, int port, String app, String version, String manifestSha256,
                        int activeUploads, int capacity, @DeviceEvent.OlderProducer int httpsPort) {

    public int freeSlots() {
        return Math.max(0, capacity - activeUploads);
    }

    public boolean offersHttps() {
        return httpsPort > 0;
    }
}
