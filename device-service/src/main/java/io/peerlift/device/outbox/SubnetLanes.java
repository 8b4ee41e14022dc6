package io.peerlift.device.outbox;

import io.peerlift.device.domain.DeviceEventSink;
import io.peerlift.events.DeviceEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A simulated fleet's events on their way to the broker: one {@link EventOutbox} per subnet (a lane), in
 * {@code <data-dir>/subnets/<network>_<prefix>/}. Events are keyed by subnet on the topic, so a lane per subnet
 * keeps every order the topic keeps, and one subnet's lane can be {@link #hold held} (a partition of that subnet)
 * while the others flow. Each lane is bounded by the outbox capacity on its own: a held subnet stops taking new
 * work when its lane is full, the others go on.
 * <p>
 * The single {@code events.outbox} of an earlier version, left in the data directory, is delivered first: the lanes
 * send nothing until it is empty, then it is removed.
 */
public final class SubnetLanes implements DeviceEventSink {

    private static final Logger LOG = Logger.getLogger(SubnetLanes.class);

    private final Vertx vertx;
    private final Path root;
    private final int capacity;
    private final int batchSize;
    private final Function<List<DeviceEvent>, Future<Void>> delivery;
    private final Map<String, EventOutbox> lanes = new HashMap<>();
    private final Set<String> held = new HashSet<>();
    private boolean migrating;

    /**
     * @param dataDir  the fleet's data directory; the lanes live under {@code subnets/}
     * @param capacity events each lane keeps before its subnet's devices stop taking new work
     * @param delivery sends a batch in order; completes once the broker holds all of it
     */
    public SubnetLanes(Vertx vertx, Path dataDir, int capacity, int batchSize,
                       Function<List<DeviceEvent>, Future<Void>> delivery) {
        this.vertx = vertx;
        this.root = dataDir.resolve("subnets");
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.delivery = delivery;
        drainSingleOutbox(dataDir);
        openLeftLanes();
    }

    /** Delivers an earlier version's single outbox before any lane sends, then removes it. */
    private synchronized void drainSingleOutbox(Path dataDir) {
        if (!Files.exists(dataDir.resolve("events.outbox"))) {
            return;
        }
        EventOutbox single = new EventOutbox(vertx, dataDir, Integer.MAX_VALUE, batchSize, delivery);
        migrating = true;
        single.drained().onSuccess(v -> {
            single.stop();
            try {
                Files.deleteIfExists(dataDir.resolve("events.outbox"));
                Files.deleteIfExists(dataDir.resolve("events.outbox.delivered"));
            } catch (IOException e) {
                // Not fatal: what it holds is delivered; the next start sends it again and the consumers drop it by seq.
                LOG.errorf(e, "cannot remove the delivered outbox %s", dataDir.resolve("events.outbox"));
            }
            LOG.infof("the single event outbox of %s is delivered; the subnets' lanes take over", dataDir);
            synchronized (this) {
                migrating = false;
                lanes.forEach((name, lane) -> {
                    if (!held.contains(name)) {
                        lane.resume();
                    }
                });
            }
        });
    }

    /** Opens the lanes a previous run left, so what they hold is sent before their subnets emit anything new. */
    private void openLeftLanes() {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(dir -> Files.exists(dir.resolve("events.outbox")))
                    .forEach(dir -> lane(dir.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the event lanes in " + root, e);
        }
    }

    @Override
    public void publish(DeviceEvent event) {
        lane(nameOf(event.subnet())).publish(event);
    }

    @Override
    public boolean hasRoom(String subnet) {
        return lane(nameOf(subnet)).hasRoom();
    }

    /** Sends none of the subnet's events, old or new, until {@link #release}; they wait on disk, in order. */
    public synchronized void hold(String subnet) {
        String name = nameOf(subnet);
        held.add(name);
        lane(name).pause();
    }

    /** Sends the subnet's events again, what waited first, at once. */
    public synchronized void release(String subnet) {
        String name = nameOf(subnet);
        if (held.remove(name) && !migrating) {
            lane(name).resume();
        }
    }

    /** Events of the subnet not yet delivered. */
    public synchronized int waiting(String subnet) {
        return lane(nameOf(subnet)).size();
    }

    private synchronized EventOutbox lane(String name) {
        return lanes.computeIfAbsent(name, n -> new EventOutbox(vertx, root.resolve(n), capacity, batchSize, delivery,
                migrating || held.contains(n)));
    }

    /** A subnet's directory name: {@code 127.10.1.0/24} is {@code 127.10.1.0_24}. */
    private static String nameOf(String subnet) {
        return subnet.replace('/', '_');
    }
}
