package io.peerlift.device.peer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The peer update servers of this process: one {@link PeerListener} per address and port, shared by the devices
 * that serve on it. With {@code wildcard} (a fleet on loopback addresses) every listener binds 0.0.0.0 and tells
 * its devices apart by the address a connection reached, so 10,000 serving devices hold one socket, not 10,000;
 * otherwise (an agent) a listener binds the device's own address. A device may also serve HTTPS (OS 12.9) on a
 * listener of its own port with the device's certificate ({@link PeerTls}); in a fleet that is one lab certificate
 * naming every device address, since one 0.0.0.0 socket cannot choose a certificate by the address reached (TLS
 * has no SNI for IP addresses).
 */
public final class PeerServers {

    private static final Logger LOG = Logger.getLogger(PeerServers.class);

    public static final String PATH_PREFIX = PeerRequests.PATH_PREFIX;
    public static final String REQUESTER_HEADER = PeerRequests.REQUESTER_HEADER;
    public static final String HAVE_HEADER = PeerRequests.HAVE_HEADER;
    public static final String PREFER_HEADER = PeerRequests.PREFER;

    private final Vertx vertx;
    private final Duration idleTimeout;
    private final boolean wildcard;
    private final PeerTls tls;
    private final Map<String, Future<PeerListener>> listeners = new HashMap<>();
    private long anyPortListeners;
    private long reloadTimer = -1;

    /**
     * @param idleTimeout how long a connection may see no read and no completed write before it is closed
     * @param tls         the device's certificate and key for HTTPS (none: {@link #serveHttps} fails, saying why)
     */
    public PeerServers(Vertx vertx, Duration idleTimeout, boolean wildcard, PeerTls tls) {
        this.vertx = vertx;
        this.idleTimeout = idleTimeout;
        this.wildcard = wildcard;
        this.tls = tls;
    }

    /** A device serving on a listener; closing it stops serving that device. */
    public interface Serving extends AutoCloseable {
        /** The port the device serves on (the one bound when 0 was asked for). */
        int port();

        @Override
        void close();
    }

    /**
     * Starts serving {@code device} on {@code port} (0: any free port; a fleet picks one for all its devices asking
     * for 0). Fails when the port cannot be bound.
     */
    public Future<Serving> serve(ServedDevice device, int port) {
        return serve(device, port, false);
    }

    /**
     * Starts serving {@code device} over HTTPS on {@code port}, with the same slots, connection bound and upload
     * rate as its HTTP serving. Fails, saying why, when the device has no certificate or the port cannot be bound.
     */
    public Future<Serving> serveHttps(ServedDevice device, int port) {
        return tls.serverUnavailable().<Future<Serving>>map(why -> Future.failedFuture(why))
                .orElseGet(() -> serve(device, port, true));
    }

    private synchronized Future<Serving> serve(ServedDevice device, int port, boolean https) {
        String host = wildcard ? "0.0.0.0" : device.address();
        // An agent's port 0 is a listener of its own; a fleet's devices asking for 0 share one.
        String key = (https ? "https " : "http ") + host + ":" + port
                + (port == 0 && !wildcard ? "#" + (++anyPortListeners) : "");
        Future<PeerListener> listener = listeners.computeIfAbsent(key, k -> PeerListener.bind(vertx, host, port, idleTimeout,
                wildcard ? Runtime.getRuntime().availableProcessors() : 1, https ? tls.serverCredentials() : null));
        return listener
                .onFailure(e -> forget(key, listener))
                .compose(bound -> attach(key, listener, bound, device, port, https));
    }

    /** Adds the device, unless the listener was closed meanwhile (its last device left): then binds anew. */
    private synchronized Future<Serving> attach(String key, Future<PeerListener> listener, PeerListener bound,
                                                ServedDevice device, int port, boolean https) {
        if (listeners.get(key) != listener) {
            return serve(device, port, https);
        }
        bound.add(device);
        return Future.succeededFuture(new Serving() {
            @Override
            public int port() {
                return bound.port();
            }

            @Override
            public void close() {
                stop(key, bound, device);
            }
        });
    }

    private synchronized void stop(String key, PeerListener listener, ServedDevice device) {
        if (listener.remove(device) && listeners.get(key) != null && listeners.get(key).result() == listener) {
            listeners.remove(key);
            listener.close();
        }
    }

    /**
     * Reads the device's certificate and key again every {@code interval} (on a worker: files) and has every HTTPS
     * listener present a renewed pair to new connections; {@code outcomes} hears each reload that found a new pair
     * or refused one (a key that is not the certificate's, an unreadable file: the pair served so far stays).
     */
    public synchronized void reloadCertificateEvery(Duration interval, Consumer<PeerTls.Reload> outcomes) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        reloadTimer = vertx.setPeriodic(interval.toMillis(), t -> {
            PemKeyCertOptions served = tls.serverCredentials();
            vertx.executeBlocking(tls::reload, false).onSuccess(outcome -> {
                if (outcome == PeerTls.Reload.ROTATED) {
                    presentRenewed(served);
                }
                if (outcome != PeerTls.Reload.UNCHANGED) {
                    outcomes.accept(outcome);
                }
            });
        });
    }

    /**
     * Has every HTTPS listener present the renewed pair. One whose TLS context fails to build goes back to
     * {@code previous}: Vert.x would otherwise drop every later connection.
     */
    private synchronized void presentRenewed(PemKeyCertOptions previous) {
        PemKeyCertOptions renewed = tls.serverCredentials();
        listeners.values().forEach(listener -> listener.onSuccess(bound -> {
            if (bound.https()) {
                bound.present(renewed).onFailure(e -> {
                    LOG.errorf("the HTTPS peer server on port %d cannot present the renewed certificate (%s); it"
                            + " keeps the previous one", bound.port(), e.getMessage());
                    bound.present(previous);
                });
            }
        }));
    }

    /** Closes every listener (at shutdown). */
    public synchronized void close() {
        if (reloadTimer >= 0) {
            vertx.cancelTimer(reloadTimer);
        }
        listeners.values().forEach(listener -> listener.onSuccess(PeerListener::close));
        listeners.clear();
    }

    private synchronized void forget(String key, Future<PeerListener> failed) {
        listeners.remove(key, failed);
    }
}
