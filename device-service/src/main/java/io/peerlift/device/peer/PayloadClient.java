package io.peerlift.device.peer;

import io.peerlift.device.download.Source;
import io.peerlift.events.DownloadSource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The client side of the peer protocol, for peers and the repository alike: one Vert.x HTTP client for every
 * device of the process, on the event loops. A source that does not connect, or stops sending for
 * {@code requestTimeout} (no FIN, no RST), counts as gone. No keep-alive: a connection is one request, so a
 * peer's connection count is what its downloaders are doing now. A peer's HTTPS server is reached by a second
 * client that trusts only the fleet CA and checks that the certificate names the address connected to (an IP
 * subject alternative name); the repository keeps the platform's trust.
 */
public final class PayloadClient {

    /** How one request for a range ended. */
    public enum Result {
        /** The sink took every byte of the range. */
        COMPLETE,
        /** 503: the source has no free slot. */
        BUSY,
        /** Unreachable, dropped, silent, an unexpected status or a short body. */
        UNAVAILABLE,
        /** The sink refused the bytes (they fail verification). */
        REFUSED,
        /** The peer's certificate does not chain to the fleet CA or does not name its address. */
        UNTRUSTED,
        /** Cancelled by the caller. */
        CANCELLED
    }

    /** Where the bytes of a range go, as they arrive, on the event loop. */
    public interface Sink {
        /** False when the bytes so far prove the source wrong: the connection is dropped. */
        boolean accept(Buffer bytes);

        /** Completes once what was accepted is safely kept: true if the whole range was. */
        Future<Boolean> finish();

        /** The have-list a partial holder sent with its answer ({@link PeerServers#HAVE_HEADER}), before any byte. */
        default void have(String have) {
        }
    }

    /** A peer's certificate was refused in the TLS handshake: it is not the fleet's for its address. */
    public static final class UntrustedPeerException extends RuntimeException {
        UntrustedPeerException(String url, Throwable cause) {
            super(url + ": " + cause.getMessage(), cause, false, false);
        }
    }

    /** A source answered a status other than 200 for a small resource. */
    public static final class AnsweredException extends RuntimeException {
        private final int status;

        AnsweredException(String url, int status) {
            super(url + " answered " + status, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final HttpClient http;
    private final HttpClient fleetTls;
    private final long timeoutMillis;
    private final Predicate<String> reachesRepository;

    /** @param tls the fleet CA peers' certificates must chain to; without it no peer is reached over HTTPS */
    public PayloadClient(Vertx vertx, Duration requestTimeout, PeerTls tls) {
        this(vertx, requestTimeout, tls, requester -> true);
    }

    /**
     * @param reachesRepository whether a device (by id) reaches the repository now: false while a simulated fleet's
     *                          subnet is cut off, and its requests to the repository fail as unreachable
     */
    public PayloadClient(Vertx vertx, Duration requestTimeout, PeerTls tls, Predicate<String> reachesRepository) {
        this.reachesRepository = reachesRepository;
        this.timeoutMillis = requestTimeout.toMillis();
        this.http = vertx.createHttpClient(options(), new PoolOptions().setHttp1MaxSize(64));
        this.fleetTls = tls.fleetCa().map(ca -> vertx.createHttpClient(options()
                        // verifyHost: the certificate must name the address connected to (Vert.x checks it as HTTPS does).
                        .setTrustOptions(ca).setVerifyHost(true),
                new PoolOptions().setHttp1MaxSize(64))).orElse(null);
    }

    private HttpClientOptions options() {
        return new HttpClientOptions()
                .setKeepAlive(false)
                .setConnectTimeout((int) timeoutMillis)
                .setIdleTimeout((int) timeoutMillis).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Whether peers' HTTPS servers can be verified (this device holds the fleet CA). */
    public boolean verifiesPeers() {
        return fleetTls != null;
    }

    /**
     * The body of a small resource (a manifest, a signature) of {@code source}, failing with an
     * {@link AnsweredException} unless the answer is 200, with an {@link UntrustedPeerException} when the source's
     * certificate is not the fleet's for its address.
     */
    public Future<Buffer> get(Source source, String url, String requester) {
        return client(source, requester).compose(client -> client.request(options(url, requester)))
                .recover(e -> Future.failedFuture(untrusted(source, e) ? new UntrustedPeerException(url, e) : e))
                .compose(request -> request.send())
                .compose(response -> response.statusCode() == 200 ? response.body()
                        : response.end().transform(ignored -> Future.failedFuture(new AnsweredException(url, response.statusCode()))));
    }

    /**
     * Streams bytes {@code first..last} of {@code url} (a payload of {@code size} bytes) into {@code sink}. With a
     * {@code patience} of a second or more the source may queue the request that long for an upload slot
     * ({@code Prefer: wait}) instead of answering 503 at once.
     */
    public Future<Result> range(Source source, String url, String requester, long first, long last, long size,
                                Duration patience, Sink sink, BooleanSupplier cancelled) {
        Promise<Result> result = Promise.promise();
        RequestOptions options = options(url, requester).putHeader("Range", "bytes=" + first + "-" + last);
        if (patience.toSeconds() > 0) {
            options.putHeader(PeerServers.PREFER_HEADER, "wait=" + patience.toSeconds());
        }
        client(source, requester).compose(client -> client.request(options))
                .compose(request -> request.send().onSuccess(response ->
                        stream(response, first == 0 && last == size - 1, sink, cancelled, result)))
                .onFailure(e -> result.tryComplete(untrusted(source, e) ? Result.UNTRUSTED : Result.UNAVAILABLE));
        return result.future();
    }

    private Future<HttpClient> client(Source source, String requester) {
        if (source.kind() == DownloadSource.WAN && !reachesRepository.test(requester)) {
            return Future.failedFuture(new ConnectException(source + " is unreachable: the subnet of " + requester
                    + " is cut off (a simulated partition)"));
        }
        if (!source.fleetVerified()) {
            return Future.succeededFuture(http);
        }
        return fleetTls != null ? Future.succeededFuture(fleetTls)
                : Future.failedFuture(source + " needs the fleet CA, which this device does not hold");
    }

    /**
     * Whether a fleet-verified peer's certificate was refused: it does not chain to the fleet CA or does not name
     * the peer's address. A handshake that timed out or a peer that closed in the middle (a reboot, a loaded event
     * loop) is no sign of an impostor and leaves the peer usable; nor is a repository's TLS the fleet's business.
     */
    private static boolean untrusted(Source source, Throwable e) {
        if (!source.fleetVerified()) {
            return false;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    private static void stream(HttpClientResponse response, boolean whole, Sink sink, BooleanSupplier cancelled,
                               Promise<Result> result) {
        int status = response.statusCode();
        String have = response.getHeader(PeerServers.HAVE_HEADER);
        if (have != null) {
            sink.have(have);
        }
        if (status != 206 && !(status == 200 && whole)) {
            response.end();
            result.tryComplete(status == 503 ? Result.BUSY : Result.UNAVAILABLE);
            return;
        }
        boolean[] ended = new boolean[1];
        // However the body ends, the result waits until what the sink took is kept, so the caller sees it all.
        Consumer<Result> end = outcome -> {
            if (ended[0]) {
                return;
            }
            ended[0] = true;
            sink.finish().onComplete(kept -> {
                if (kept.failed()) {
                    result.tryFail(kept.cause());
                } else {
                    result.tryComplete(outcome == Result.COMPLETE && !kept.result() ? Result.UNAVAILABLE : outcome);
                }
            });
        };
        response.exceptionHandler(e -> end.accept(Result.UNAVAILABLE));
        response.handler(bytes -> {
            if (ended[0]) {
                return;
            }
            if (cancelled.getAsBoolean()) {
                end.accept(Result.CANCELLED);
                response.request().connection().close();
            } else if (!sink.accept(bytes)) {
                end.accept(Result.REFUSED);
                response.request().connection().close();
            }
        });
        response.endHandler(v -> end.accept(Result.COMPLETE));
    }

    private RequestOptions options(String url, String requester) {
        return new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setIdleTimeout(timeoutMillis)
                .putHeader(PeerServers.REQUESTER_HEADER, requester);
    }
}
