package io.peerlift.device.peer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One listening socket (a Vert.x HTTP server on the event loops, no thread of its own) and the devices it serves,
 * found by the local address a connection reached: an agent's listener serves its one device on the device's
 * address, a fleet's serves every device on one port. A connection to an address no device serves is closed at
 * once. The idle timeout closes a connection on which nothing was read and no write completed for that long: a
 * client that never sends its request, or one that stopped reading its payload, loses its connection and slot.
 * An HTTPS listener (OS 12.9's port 22337) is the same with TLS on, presenting the device's certificate; a device
 * served by both shares its slots, connection bound and upload rate between them (one {@link ServedDevice}).
 */
final class PeerListener {

    private final List<HttpServer> servers;
    private final boolean https;
    private final Map<String, ServedDevice> devices = new ConcurrentHashMap<>();
    private final Set<HttpConnection> overBound = ConcurrentHashMap.newKeySet();
    private final PeerRequests requests;

    private PeerListener(List<HttpServer> servers, boolean https, PeerRequests requests) {
        this.servers = servers;
        this.https = https;
        this.requests = requests;
    }

    /**
     * Binds {@code instances} servers to one socket (Vert.x hands each new connection to the next), each on its own
     * event loop, so that a fleet's uploads use every core.
     *
     * @param tls the certificate and key to serve HTTPS with, null for HTTP
     */
    static Future<PeerListener> bind(Vertx vertx, String host, int port, Duration idleTimeout, int instances,
                                     PemKeyCertOptions tls) {
        List<HttpServer> servers = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            HttpServerOptions options = new HttpServerOptions()
                    .setIdleTimeout((int) idleTimeout.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setTcpNoDelay(true)
                    .setCompressionSupported(false)
                    // HTTP/1.1 only: with h2c on, a connection is not handed over until its first bytes tell the protocol.
                    .setHttp2ClearTextEnabled(false);
            if (tls != null) {
                // TLS encrypts in user space: a payload goes through the event loop, not sendfile (Vert.x falls back).
                options.setSsl(true).setKeyCertOptions(tls).setUseAlpn(false);
            }
            servers.add(vertx.createHttpServer(options));
        }
        PeerListener listener = new PeerListener(servers, tls != null, new PeerRequests(vertx));
        servers.forEach(server -> server.connectionHandler(listener::onConnection).requestHandler(listener::onRequest));
        // Vert.x shares one socket among the servers asking for the same host and port (0 included: one free port).
        return Future.all(servers.stream().map(server -> server.listen(port, host)).toList()).map(all -> listener);
    }

    boolean https() {
        return https;
    }

    /**
     * Presents {@code credentials} to every TLS handshake from now on (connections already open keep theirs), on
     * the same socket: nothing is closed or rebound. The servers of one socket share its TLS context, so updating
     * one updates all. Vert.x 4.5 closes a connection accepted while the new context is being built (a few
     * milliseconds): its downloader sees a dropped handshake and tries again.
     */
    Future<Boolean> present(PemKeyCertOptions credentials) {
        return servers.get(0).updateSSLOptions(new SSLOptions().setKeyCertOptions(credentials).setUseAlpn(false));
    }

    int port() {
        return servers.get(0).actualPort();
    }

    void add(ServedDevice device) {
        devices.put(device.address(), device);
    }

    /** Stops serving the device and drops its connections; true when no device is left on this listener. */
    boolean remove(ServedDevice device) {
        devices.remove(device.address(), device);
        device.closeConnections();
        return devices.isEmpty();
    }

    Future<Void> close() {
        return Future.all(servers.stream().map(HttpServer::close).toList()).mapEmpty();
    }

    private void onConnection(HttpConnection connection) {
        ServedDevice device = devices.get(connection.localAddress().hostAddress());
        if (device == null) {
            connection.close();
            return;
        }
        if (!device.connected(connection)) {
            overBound.add(connection);
        }
        connection.closeHandler(v -> {
            device.disconnected(connection);
            overBound.remove(connection);
        });
    }

    private void onRequest(HttpServerRequest request) {
        ServedDevice device = devices.get(request.localAddress().hostAddress());
        if (device == null) {
            request.connection().close();
            return;
        }
        requests.handle(device, request, overBound.contains(request.connection()));
    }
}
