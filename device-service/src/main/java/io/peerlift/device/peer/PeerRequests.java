package io.peerlift.device.peer;

import io.peerlift.events.ByteRange;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerOffer;
import io.peerlift.support.problem.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The protocol of a peer update server, for one request to one device:
 * {@code GET|HEAD /peerlift/v1/apps/{app}/{version}/manifest}, {@code .../signature} (the release signature the
 * device checked against its own trusted keys: a downloader checks it against its own before it takes any payload),
 * {@code .../payload} (one {@link ByteRange} per request) and {@code .../have} (the verified chunks as a bitmap, bit i = chunk i, for a have-list too large for a
 * discovery answer). Of a package the device still swarms only chunk-aligned ranges of verified chunks are sent: a
 * range that cuts a chunk gets 416, one that reaches a chunk not verified yet a 404. Every refusal but a 503 is
 * a problem ({@code application/problem+json}), as everywhere in Peerlift. A payload GET takes one of the device's upload slots for as long as it is being sent; with none free
 * the answer is 503 with {@code Retry-After}, unless the request says {@code Prefer: wait=N}: then it queues for a
 * slot up to N seconds (within the connection bound) and gets 503 only after that. The path is only a lookup key: no file name is derived from it.
 */
final class PeerRequests {

    static final String PATH_PREFIX = "/peerlift/v1/apps";
    /** Who is downloading, so the peer reports an upload per device (one HTTP client serves a whole fleet). */
    static final String REQUESTER_HEADER = "X-Peerlift-Device";
    static final int RETRY_AFTER_SECONDS = 1;
    /**
     * On every payload answer of a package still swarmed (206, 503, 404): its verified chunks as in a discovery
     * answer ({@link PeerOffer#haveOf}), so a downloader learns what the holder gained without asking {@code /have}.
     */
    static final String HAVE_HEADER = "X-Peerlift-Have";
    /** A downloader willing to queue for an upload slot says for how long (a swarm's chunk requests do). */
    static final String PREFER = "Prefer";
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    private static final Pattern WAIT = Pattern.compile("(?:^|[,;\\s])wait=(\\d{1,9})");

    private static final Pattern PATH = Pattern.compile(Pattern.quote(PATH_PREFIX) + "/([^/]+)/([^/]+)/(manifest|signature|payload|have)");

    private final Vertx vertx;

    PeerRequests(Vertx vertx) {
        this.vertx = vertx;
    }

    void handle(ServedDevice device, HttpServerRequest request, boolean overConnectionBound) {
        HttpServerResponse response = request.response();
        if (overConnectionBound) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            busy(response);
            return;
        }
        boolean head = request.method() == HttpMethod.HEAD;
        if (!head && request.method() != HttpMethod.GET) {
            response.putHeader(HttpHeaders.ALLOW, "GET, HEAD");
            problem(request, 405, null, "Method Not Allowed", "the method is not allowed at " + request.path()
                    + "; allowed: GET, HEAD");
            return;
        }
        Matcher path = PATH.matcher(request.path());
        if (!path.matches()) {
            problem(request, 404, null, "Not Found", "no resource at " + request.path());
            return;
        }
        Optional<ServedPackage> pkg = device.catalog().lookup(path.group(1), path.group(2));
        if (pkg.isEmpty()) {
            problem(request, 404, "package-not-served", "Package not served", "this device serves no "
                    + path.group(1) + " " + path.group(2));
            return;
        }
        if ("have".equals(path.group(3))) {
            byte[] bitmap = pkg.get().chunks().snapshot(pkg.get().manifest().chunkCount()).toByteArray();
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
            if (head) {
                response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(bitmap.length)).end();
            } else {
                response.end(Buffer.buffer(bitmap));
            }
            return;
        }
        if ("manifest".equals(path.group(3))) {
            json(response, head, pkg.get().manifestBytes());
            return;
        }
        if ("signature".equals(path.group(3))) {
            if (pkg.get().signature() == null) {
                response.setStatusCode(404).end();
            } else {
                json(response, head, EventCodec.encode(pkg.get().signature()).getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        payload(device, request, pkg.get(), head);
    }

    private static void json(HttpServerResponse response, boolean head, byte[] body) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (head) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length)).end();
        } else {
            response.end(Buffer.buffer(body));
        }
    }

    private void payload(ServedDevice device, HttpServerRequest request, ServedPackage pkg, boolean head) {
        HttpServerResponse response = request.response();
        long size = pkg.manifest().size();
        response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        Optional<ByteRange> selected = ByteRange.select(request.getHeader("Range"), size);
        if (selected.isEmpty()) {
            unsatisfiable(request, "the range selects no byte of the payload's " + size + " bytes", size);
            return;
        }
        ByteRange range = selected.get();
        VerifiedChunks chunks = pkg.chunks();
        if (!chunks.isComplete()) {
            response.putHeader(HAVE_HEADER, PeerOffer.haveOf(chunks.snapshot(pkg.manifest().chunkCount())));
            Optional<String> refusal = PartialRanges.refusal(pkg.manifest(), chunks, range);
            if (refusal.isPresent()) {
                refuse(request, refusal.get(), size);
                return;
            }
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
        if (range.partial()) {
            response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange());
        }
        if (head) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(range.length())).end();
            return;
        }
        Duration patience = patience(request.getHeader(PREFER));
        if (patience.isZero()) {
            if (device.tryTakeSlot()) {
                upload(device, request, pkg, range);
            } else {
                busy(response);
            }
            return;
        }
        device.takeSlot(vertx.getOrCreateContext(), patience, () -> {
            if (response.closed()) {
                device.releaseSlot(); // the downloader gave up while it waited
            } else {
                upload(device, request, pkg, range);
            }
        }, () -> busy(response));
    }

    /**
     * How long a request waits for a free upload slot: {@code Prefer: wait=N} (RFC 7240, seconds), at most
     * {@link #MAX_WAIT}; zero without it, so that a whole-file downloader hears 503 at once and tries another peer.
     */
    static Duration patience(String prefer) {
        if (prefer == null) {
            return Duration.ZERO;
        }
        Matcher wait = WAIT.matcher(prefer);
        if (!wait.find()) {
            return Duration.ZERO;
        }
        long seconds = Long.parseLong(wait.group(1));
        return Duration.ofSeconds(Math.min(seconds, MAX_WAIT.toSeconds()));
    }

    /** Sends the range while holding one of the device's upload slots. */
    private void upload(ServedDevice device, HttpServerRequest request, ServedPackage pkg, ByteRange range) {
        HttpServerResponse response = request.response();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                device.releaseSlot();
            }
        };
        // A connection that dies mid-upload (the idle timeout closing a stalled reader, say) frees the slot at once.
        response.closeHandler(v -> release.run());
        response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(range.length()));
        Future<Void> sent = device.rate() == null
                ? CorkedSendfile.send(request.connection(), response, pkg.payload(), range.start(), range.length())
                : PacedUpload.send(request.connection(), response, pkg.payload(), range.start(), range.length(),
                device.rate());
        sent.onComplete(outcome -> {
            release.run();
            if (outcome.succeeded()) {
                String requester = request.getHeader(REQUESTER_HEADER);
                device.listener().uploadCompleted(requester == null ? request.remoteAddress().hostAddress() : requester,
                        pkg, range.length());
            } else if (!response.closed()) {
                request.connection().close();
            }
        });
    }

    private static void refuse(HttpServerRequest request, String refusal, long size) {
        if (PartialRanges.NOT_ALIGNED.equals(refusal)) {
            unsatisfiable(request, refusal, size);
            return;
        }
        problem(request, 404, "chunk-not-verified", "Chunk not held", refusal);
    }

    private static void unsatisfiable(HttpServerRequest request, String detail, long size) {
        request.response().putHeader(HttpHeaders.CONTENT_RANGE, ByteRange.unsatisfiable(size));
        problem(request, 416, null, "Range Not Satisfiable", detail);
    }

    /** Answers in the project's one error format ({@link Problem}, as every Peerlift API does). */
    private static void problem(HttpServerRequest request, int status, String slug, String title, String detail) {
        Problem problem = Problem.of(status, slug, title, detail, instance(request.path()), null);
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(EventCodec.encode(problem));
    }

    /** The request path as the problem's instance; null when it is no URI (it comes from whoever asked). */
    private static String instance(String path) {
        try {
            return URI.create(path).toString();
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }

    private static void busy(HttpServerResponse response) {
        response.setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS)).end();
    }
}
