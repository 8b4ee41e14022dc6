package io.peerlift.device.peer;

import io.vertx.core.http.HttpConnection;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One device as its peer update server sees it: what it serves, its upload slots (IGEL's
 * {@code limit_of_connections}: payload uploads at once), the bound on its connections (slots plus a headroom
 * for manifest and HEAD requests and for clients waiting their turn) and its upload rate, shared by all its
 * connections.
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
    private final UploadRate rate;
    private final Catalog catalog;
    private final UploadListener listener;
    private final AtomicInteger activeUploads = new AtomicInteger();
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

    boolean tryTakeSlot() {
        if (activeUploads.incrementAndGet() > slots) {
            activeUploads.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseSlot() {
        activeUploads.decrementAndGet();
    }

    /** Drops every open connection, so that downloaders see the drop at once and move on. */
    void closeConnections() {
        connections.forEach(HttpConnection::close);
    }
}
