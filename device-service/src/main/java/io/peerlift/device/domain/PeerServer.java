package io.peerlift.device.domain;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.peerlift.device.domain.ContentStore.StoredApp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A device's peer update server: plain HTTP on the device's own address.
 * <ul>
 *   <li>{@code GET|HEAD /peerlift/v1/apps/{app}/{version}/manifest} and {@code .../payload} (single {@code Range}
 *   requests answered with 206).</li>
 *   <li>At most {@code capacity} payload uploads at once; beyond that 503 with {@code Retry-After}.</li>
 *   <li>Serves only what {@link Catalog} resolves: complete, verified packages the device holds. The request path
 *   is only a lookup key; no file name is ever derived from it.</li>
 * </ul>
 */
public final class PeerServer implements AutoCloseable {

    public static final String PATH_PREFIX = "/peerlift/v1/apps";
    /** Who is downloading, so the server can report an upload per device (JDK clients cannot pick a source IP). */
    public static final String REQUESTER_HEADER = "X-Peerlift-Device";
    static final int RETRY_AFTER_SECONDS = 1;

    private static final Pattern PATH = Pattern.compile(PATH_PREFIX + "/([^/]+)/([^/]+)/(manifest|payload)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final int WRITE_SLICE = 64 * 1024;

    /** The packages this server may serve, by app and version. */
    @FunctionalInterface
    public interface Catalog {
        Optional<StoredApp> lookup(String app, String version);
    }

    /** Told about every payload response sent in full. */
    @FunctionalInterface
    public interface UploadListener {
        void uploadCompleted(String toDeviceId, StoredApp app, long bytes);
    }

    private final int capacity;
    private final long rateBytesPerSecond;
    private final Catalog catalog;
    private final UploadListener listener;
    private final AtomicInteger activeUploads = new AtomicInteger();
    private final HttpServer server;

    /**
     * Binds {@code address:port} (port 0 picks a free one) and starts serving on {@code executor}.
     *
     * @param rateBytesPerSecond upload rate per connection, 0 for unlimited
     */
    public PeerServer(String address, int port, int capacity, long rateBytesPerSecond, Catalog catalog,
                      UploadListener listener, Executor executor) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("a peer server needs a capacity of at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.rateBytesPerSecond = rateBytesPerSecond;
        this.catalog = catalog;
        this.listener = listener;
        this.server = HttpServer.create(new InetSocketAddress(address, port), 64);
        server.createContext(PATH_PREFIX + "/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int capacity() {
        return capacity;
    }

    public int activeUploads() {
        return activeUploads.get();
    }

    /** Stops at once: open connections are closed, so downloaders see the drop and move on. */
    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
            Optional<StoredApp> app = path.matches() ? catalog.lookup(path.group(1), path.group(2)) : Optional.empty();
            if (app.isEmpty()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if ("manifest".equals(path.group(3))) {
                sendManifest(exchange, app.get(), head);
            } else {
                sendPayload(exchange, app.get(), head);
            }
        } finally {
            exchange.close();
        }
    }

    private static void sendManifest(HttpExchange exchange, StoredApp app, boolean head) throws IOException {
        byte[] body = app.manifestBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private void sendPayload(HttpExchange exchange, StoredApp app, boolean head) throws IOException {
        long size = app.manifest().size();
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        long start = 0;
        long end = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches()) {
                rangeNotSatisfiable(exchange, size);
                return;
            }
            start = Long.parseLong(m.group(1));
            end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (start > end) {
                rangeNotSatisfiable(exchange, size);
                return;
            }
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        long length = end - start + 1;
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        if (activeUploads.incrementAndGet() > capacity) {
            activeUploads.decrementAndGet();
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            exchange.sendResponseHeaders(503, -1);
            return;
        }
        try {
            exchange.sendResponseHeaders(status, length);
            stream(app, start, length, exchange.getResponseBody());
        } finally {
            activeUploads.decrementAndGet();
        }
        String requester = exchange.getRequestHeaders().getFirst(REQUESTER_HEADER);
        listener.uploadCompleted(requester == null ? exchange.getRemoteAddress().getHostString() : requester, app, length);
    }

    private void stream(StoredApp app, long start, long length, OutputStream out) throws IOException {
        Throttle throttle = new Throttle(rateBytesPerSecond);
        ByteBuffer buffer = ByteBuffer.allocate(WRITE_SLICE);
        try (FileChannel file = FileChannel.open(app.payload(), StandardOpenOption.READ)) {
            long sent = 0;
            while (sent < length) {
                buffer.clear().limit((int) Math.min(WRITE_SLICE, length - sent));
                int read = file.read(buffer, start + sent);
                if (read <= 0) {
                    throw new IOException("payload " + app.payload() + " is shorter than its manifest");
                }
                out.write(buffer.array(), 0, read);
                sent += read;
                throttle.sent(read);
            }
        }
    }

    private static void rangeNotSatisfiable(HttpExchange exchange, long size) throws IOException {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
        exchange.sendResponseHeaders(416, -1);
    }

    /** Paces a stream to a byte rate by sleeping whenever it runs ahead of schedule. */
    static final class Throttle {
        private final long bytesPerSecond;
        private final long startNanos = System.nanoTime();
        private long total;

        Throttle(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        void sent(long bytes) throws IOException {
            if (bytesPerSecond <= 0) {
                return;
            }
            total += bytes;
            long dueNanos = total * 1_000_000_000L / bytesPerSecond;
            long aheadNanos = dueNanos - (System.nanoTime() - startNanos);
            if (aheadNanos > 0) {
                try {
                    Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("upload interrupted", e);
                }
            }
        }
    }
}
