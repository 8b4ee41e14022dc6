package io.peerlift.device.peer;

import io.vertx.core.Context;
import io.vertx.core.http.HttpConnection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One device as its peer update server sees it: what it serves, its upload slots (IGEL's
 * {@code limit_of_connections}: payload uploads at once), the bound on its connections (slots plus a headroom
 * for manifest and HEAD requests and for clients waiting their turn) and its upload rate, shared by all its
 * connections. A request willing to wait for a slot queues for one, in arrival order, within the connection bound.
 */
public final class ServedDevice {

    /** The packages the device serves, by app and version. */
    @FunctionalInterface
    public interface Catalog {
        Optional<ServedPackage> lookup(String app, String version);
    }

    /** Told about every payload response sent in full. */
    @FunctionalInterface
    public interface UploadListener {
        void uploadCompleted(String toDeviceId, ServedPackage pkg, long bytes);
    }

    private final String deviceId;
    private final String address;
    private final int slots;
    private final int maxConnections;
    private final long uploadBytesPerSecond;
    private final UploadRate rate;
    private final Catalog catalog;
    private final UploadListener listener;
    /** Changed under this object's lock (with {@link #waiting}), read without it. */
    private final AtomicInteger activeUploads = new AtomicInteger();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();

    /**
     * @param address              the device's own address: requests that reach it are this device's
     * @param connectionsBeyondSlots connections accepted beyond {@code slots}; past them a request gets 503
     * @param uploadBytesPerSecond the device's upload rate, 0 for unlimited (zero-copy sendfile)
     */
    public ServedDevice(String deviceId, String address, int slots, int connectionsBeyondSlots,
                        long uploadBytesPerSecond, Catalog catalog, UploadListener listener) {
        if (slots < 1) {
            throw new IllegalArgumentException("a peer server needs at least 1 upload slot, got " + slots);
        }
        this.deviceId = deviceId;
        this.address = address;
        this.slots = slots;
        this.maxConnections = slots + Math.max(0, connectionsBeyondSlots);
        this.uploadBytesPerSecond = Math.max(0, uploadBytesPerSecond);
        this.rate = uploadBytesPerSecond > 0 ? new UploadRate(uploadBytesPerSecond, PacedUpload.SLICE_BYTES) : null;
        this.catalog = catalog;
        this.listener = listener;
    }

    public String deviceId() {
        return deviceId;
    }

    public String address() {
        return address;
    }

    public int slots() {
        return slots;
    }

    /** The upload capacity shared by every upload of the device, 0 when it is not capped. */
    public long uploadBytesPerSecond() {
        return uploadBytesPerSecond;
    }

    public int activeUploads() {
        return activeUploads.get();
    }

    public int connections() {
        return connections.size();
    }

    Catalog catalog() {
        return catalog;
    }

    UploadListener listener() {
        return listener;
    }

    /** Null when uploads are not rate-limited. */
    UploadRate rate() {
        return rate;
    }

    /** Counts a new connection; false when it is past the bound (its requests get 503). */
    boolean connected(HttpConnection connection) {
        connections.add(connection);
        return connections.size() <= maxConnections;
    }

    void disconnected(HttpConnection connection) {
        connections.remove(connection);
    }

    synchronized boolean tryTakeSlot() {
        if (activeUploads.get() >= slots) {
            return false;
        }
        activeUploads.incrementAndGet();
        return true;
    }

    /**
     * Takes a slot now or, every slot being taken, waits up to {@code patience} for one behind the requests that
     * queued first. Exactly one of {@code granted} (holding a slot, to release) and {@code refused} runs, on
     * {@code context}.
     */
    void takeSlot(Context context, Duration patience, Runnable granted, Runnable refused) {
        Waiter waiter = new Waiter(context, granted);
        synchronized (this) {
            if (activeUploads.get() < slots) {
                activeUploads.incrementAndGet();
                waiter.claimed.set(true);
            } else {
                waiting.add(waiter);
            }
        }
        if (waiter.claimed.get()) {
            context.runOnContext(v -> granted.run());
            return;
        }
        context.owner().setTimer(Math.max(1, patience.toMillis()), t -> {
            if (waiter.claimed.compareAndSet(false, true)) {
                synchronized (this) {
                    waiting.remove(waiter);
                }
                refused.run();
            }
        });
    }

    /** Hands the slot to the oldest waiter still waiting, or frees it. */
    void releaseSlot() {
        Waiter next;
        synchronized (this) {
            do {
                next = waiting.poll();
            } while (next != null && !next.claimed.compareAndSet(false, true));
            if (next == null) {
                activeUploads.decrementAndGet();
                return;
            }
        }
        Runnable granted = next.granted;
        next.context.runOnContext(v -> granted.run());
    }

    private record Waiter(Context context, Runnable granted, AtomicBoolean claimed) {
        Waiter(Context context, Runnable granted) {
            this(context, granted, new AtomicBoolean());
        }
    }

    /** Drops every open connection, so that downloaders see the drop at once and move on. */
    void closeConnections() {
        connections.forEach(HttpConnection::close);
    }
}
