package io.peerlift.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on loopback, so that tests and demos never collide with each other or with a dev setup. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A free port that is not {@code taken}: a port chosen a moment ago, or one whose listener is down for a
     * restart, is free to the kernel too, and two listeners of one process on one port do not start.
     */
    public static int pickOtherThan(int taken) {
        int port;
        do {
            port = pick();
        } while (port == taken);
        return port;
    }

    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }
}
