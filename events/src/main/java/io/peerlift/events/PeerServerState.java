package io.peerlift.events;

/**
 * The state of a device's peer update server as of an announcement.
 *
 * @param httpsPort   the port its HTTPS server listens on, 0 when it serves no HTTPS
 * @param httpsDown   why HTTPS is not served although the configuration enables it (no device certificate, a port
 *                    clash, a failed bind); null when HTTPS runs or is not enabled
 * @param uploadBytesPerSecond the device's upload capacity, shared by all its uploads; 0 when it is not capped, the
 *                    server is stopped, or the producer is older than this field
 */
public record PeerServerState(boolean running, int port, int capacity, int activeUploads,
                              @DeviceEvent.OlderProducer int httpsPort, String httpsDown,
                              @DeviceEvent.OlderProducer long uploadBytesPerSecond) {

    public static PeerServerState stopped(int port) {
        return new PeerServerState(false, port, 0, 0, 0, null, 0);
    }
}
