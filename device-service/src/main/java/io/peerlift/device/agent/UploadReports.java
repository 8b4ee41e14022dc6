package io.peerlift.device.agent;

import io.peerlift.events.DeviceEvent;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A serving device's uploads, told as one {@link DeviceEvent.UploadCompleted} per package per report interval
 * instead of one per response: a swarm sends a chunk per response, and one event per chunk had been most of the
 * events rollout-service records. Every byte sent is reported exactly once: what is gathered goes out when the
 * interval ends and at every {@link #flush()} (serving stops, the device's own download completes, shutdown).
 */
final class UploadReports {

    /** What one package's uploads added up to since the last report. */
    private static final class Gathered {
        final String app;
        final String version;
        final Set<String> receivers = new LinkedHashSet<>();
        long bytes;

        Gathered(String app, String version) {
            this.app = app;
            this.version = version;
        }
    }

    private final Vertx vertx;
    private final Duration interval;
    private final DeviceEvents events;
    /** By app and version; guarded by this, as {@link #timer} is. */
    private final Map<String, Gathered> gathered = new LinkedHashMap<>();
    private long timer = -1;

    /** @param interval how long uploads are gathered; zero reports each at once */
    UploadReports(Vertx vertx, Duration interval, DeviceEvents events) {
        this.vertx = vertx;
        this.interval = interval;
        this.events = events;
    }

    /** One payload response sent in full: {@code bytes} of {@code app} {@code version} to {@code toDeviceId}. */
    void uploaded(String toDeviceId, String app, String version, long bytes) {
        synchronized (this) {
            Gathered pkg = gathered.computeIfAbsent(app + '\n' + version, k -> new Gathered(app, version));
            pkg.receivers.add(toDeviceId);
            pkg.bytes += bytes;
            if (!interval.isZero() && timer < 0) {
                timer = vertx.setTimer(interval.toMillis(), t -> flush());
            }
        }
        if (interval.isZero()) {
            flush();
        }
    }

    /** Reports what was gathered now (its interval need not have ended). */
    void flush() {
        List<Gathered> due;
        synchronized (this) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            due = new ArrayList<>(gathered.values());
            gathered.clear();
        }
        // Emitted outside this lock: DeviceEvents takes its own, and an upload ending meanwhile only waits for it.
        due.forEach(this::report);
    }

    private void report(Gathered pkg) {
        // The downloader's id when the interval served one (a whole-file upload), null when it served several.
        String to = pkg.receivers.size() == 1 ? pkg.receivers.iterator().next() : null;
        events.emit((eventId, id, cidr, at, seq, epoch) -> new DeviceEvent.UploadCompleted(eventId, id, cidr, at, seq,
                epoch, to, pkg.app, pkg.version, pkg.bytes));
    }
}
