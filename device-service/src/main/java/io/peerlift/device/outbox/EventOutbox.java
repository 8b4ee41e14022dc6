package io.peerlift.device.outbox;

import io.peerlift.device.domain.Backoff;
import io.peerlift.device.domain.DeviceEventSink;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The devices' events on their way out, kept on disk until the other side holds them: the broker in fleet mode,
 * the gateway in agent mode. Every event is appended to {@code events.outbox} (one JSON line) before it is sent,
 * then delivered in the order it was emitted, one batch at a time; a batch leaves the outbox only once it was
 * acknowledged, and a failed batch is sent again after a backoff, for as long as it takes. A restart (kill -9
 * included) delivers what was left. Delivery is at least once: a batch acknowledged just before a crash is sent
 * again, and consumers drop it by its seq.
 * <p>
 * Bounded without losing a seq: the outbox keeps everything it was given, oldest first, and once it holds
 * {@code capacity} events it says it has no {@link #hasRoom room}. The devices then stop making new work (they
 * refuse new Upgrades, skip heartbeats and progress, which spend no seq), and only the few events of upgrades
 * already running are still taken. An operator expects the history of what the devices did, in order and whole:
 * dropping the oldest would punch gaps into it, dropping the newest would hide how the upgrades ended.
 * <p>
 * Appends reach the file (the operating system) at once and survive a killed process; they are not forced to the
 * disk on every event, so a power loss may cost the last few.
 * <p>
 * A {@link #pause paused} outbox keeps taking events and sends none until it is {@link #resume resumed}, at once
 * and without the backoff of a failed delivery (a batch already on its way still completes).
 */
public final class EventOutbox implements DeviceEventSink {

    private static final Logger LOG = Logger.getLogger(EventOutbox.class);
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15));

    private final Vertx vertx;
    private final Path log;
    private final Path deliveredFile;
    private final int capacity;
    private final int batchSize;
    private final Function<List<DeviceEvent>, Future<Void>> delivery;
    private final Deque<DeviceEvent> pending = new ArrayDeque<>();
    /** Lines at the head of the log already delivered. */
    private long delivered;
    /** The id of the last event delivered, recorded beside the log (an id, not a count: compaction stays safe). */
    private String lastDelivered = "";
    private boolean sending;
    private int failures;
    private boolean paused;
    private final Promise<Void> drained = Promise.promise();
    private volatile boolean stopped;

    /**
     * @param dir      where {@code events.outbox} lives (the device's or the fleet's data directory)
     * @param delivery sends a batch in order; completes once the other side holds all of it
     */
    public EventOutbox(Vertx vertx, Path dir, int capacity, int batchSize,
                       Function<List<DeviceEvent>, Future<Void>> delivery) {
        this(vertx, dir, capacity, batchSize, delivery, false);
    }

    /** @param paused whether it starts {@link #pause paused}: it then sends nothing, not even what the last run left */
    public EventOutbox(Vertx vertx, Path dir, int capacity, int batchSize,
                       Function<List<DeviceEvent>, Future<Void>> delivery, boolean paused) {
        this.vertx = vertx;
        this.paused = paused;
        this.log = dir.resolve("events.outbox");
        this.deliveredFile = dir.resolve("events.outbox.delivered");
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.delivery = delivery;
        load();
        if (pending.isEmpty()) {
            drained.complete();
        }
        // What the last run left goes out now, not with the next event: a full outbox takes none.
        vertx.runOnContext(v -> send());
    }

    private void load() {
        try {
            Files.createDirectories(log.getParent());
            if (!Files.exists(log)) {
                return;
            }
            String deliveredId = Files.exists(deliveredFile) ? Files.readString(deliveredFile).trim() : "";
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                try {
                    DeviceEvent event = EventCodec.decodeEvent(line);
                    pending.addLast(event);
                    if (event.eventId().toString().equals(deliveredId)) {
                        pending.clear(); // everything up to here was delivered
                    }
                } catch (RuntimeException e) {
                    // Only the last line can be cut short, by a crash while it was written (power loss).
                    LOG.errorf("outbox %s: a line does not decode (%s), skipped", log, e.getMessage());
                }
            }
            if (!pending.isEmpty()) {
                LOG.infof("outbox %s: %d event(s) left undelivered by the last run are sent first", log, pending.size());
            }
            compact();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event outbox " + log, e);
        }
    }

    /** Keeps the event (on disk, then in memory) and sends it in turn. */
    @Override
    public void publish(DeviceEvent event) {
        synchronized (this) {
            append(EventCodec.encode(event) + "\n");
            pending.addLast(event);
        }
        vertx.runOnContext(v -> send());
    }

    /** Whether the outbox takes new work: below its capacity. */
    public synchronized boolean hasRoom() {
        return pending.size() < capacity;
    }

    /** One log for every subnet: any device may start new work while it has room. */
    @Override
    public boolean hasRoom(String subnet) {
        return hasRoom();
    }

    /** Events not yet delivered. */
    public synchronized int size() {
        return pending.size();
    }

    /** Holds what it has and what comes: nothing more is sent until {@link #resume}. */
    public synchronized void pause() {
        paused = true;
    }

    /** Sends again at once, starting with what waited, as if no delivery had failed. */
    public void resume() {
        synchronized (this) {
            paused = false;
            failures = 0;
        }
        vertx.runOnContext(v -> send());
    }

    /** Completes once everything it held was delivered (at once if it held nothing); for an outbox no one adds to. */
    public Future<Void> drained() {
        return drained.future();
    }

    /** Stops sending (what is left stays on disk for the next run). */
    public void stop() {
        stopped = true;
    }

    private void send() {
        List<DeviceEvent> batch = new ArrayList<>(batchSize);
        synchronized (this) {
            if (sending || pending.isEmpty() || stopped || paused) {
                return;
            }
            sending = true;
            for (DeviceEvent event : pending) {
                if (batch.size() == batchSize) {
                    break;
                }
                batch.add(event);
            }
        }
        // Outside the lock: the devices go on appending while a batch is on its way.
        Future<Void> sent;
        try {
            sent = delivery.apply(batch);
        } catch (RuntimeException e) {
            sent = Future.failedFuture(e);
        }
        sent.onComplete(result -> {
            synchronized (this) {
                sending = false;
                if (stopped) {
                    return; // the next run owns the file now
                }
                if (result.succeeded()) {
                    failures = 0;
                    for (int i = 0; i < batch.size(); i++) {
                        pending.removeFirst();
                    }
                    delivered += batch.size();
                    lastDelivered = batch.get(batch.size() - 1).eventId().toString();
                    markDelivered();
                    if (pending.isEmpty()) {
                        vertx.runOnContext(v -> drained.tryComplete());
                    }
                    vertx.runOnContext(v -> send());
                    return;
                }
                failures++;
                long wait = RETRY.before(failures, bound -> ThreadLocalRandom.current().nextLong(bound)).toMillis();
                LOG.debugf("outbox %s: %d event(s) not delivered (%s); again in %d ms", log, batch.size(),
                        result.cause().getMessage(), wait);
                if (failures == 1 || failures % 20 == 0) {
                    LOG.warnf("outbox %s: events wait for delivery (%d held): %s", log, pending.size(),
                            result.cause().getMessage());
                }
                vertx.setTimer(wait, t -> send());
            }
        });
    }

    /**
     * Records how far delivery went; rewrites the log without what was delivered once everything is, or once more
     * than {@code capacity} delivered lines sit at its head (so the file stays bounded under a steady stream).
     */
    private void markDelivered() {
        try {
            if (pending.isEmpty() || delivered > capacity) {
                compact();
            } else {
                writeAtomically(deliveredFile, lastDelivered);
            }
        } catch (IOException e) {
            // Not fatal: the events are delivered; after a restart they would be sent again and dropped by seq.
            LOG.errorf(e, "outbox %s: cannot record the delivery", log);
        }
    }

    /**
     * Rewrites the log with only the undelivered events. The delivered id no longer occurs in it, so a crash right
     * after leaves nothing skipped by mistake.
     */
    private void compact() throws IOException {
        StringBuilder rest = new StringBuilder();
        pending.forEach(event -> rest.append(EventCodec.encode(event)).append('\n'));
        writeAtomically(log, rest.toString());
        delivered = 0;
    }

    private void append(String line) {
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep an event in the outbox " + log, e);
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
