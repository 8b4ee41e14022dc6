package io.peerlift.device.service;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.config.FleetConfig;
import io.peerlift.device.outbox.SubnetLanes;
import io.peerlift.events.Subnet;
import io.peerlift.support.problem.ConflictException;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A fault hook of the simulated fleet (for {@code bin/bench faults}): one subnet cut off from the broker and the
 * repository for a while, as if its uplink were down, at the fleet's boundary (we may not cut real network paths).
 * While a subnet is cut, its events wait in its lane of the outbox ({@link SubnetLanes#hold}), its commands and
 * configurations wait here in the order they came, and its devices' requests to the repository (WAN) fail; peer
 * traffic inside the subnet, and every other subnet, go on. At the heal the lane sends what waited at once and the
 * commands and configurations are handed over in order (a command that expired meanwhile is dropped by its device,
 * as any expired command). The cut lives in memory: a restarted fleet is connected again, and re-reads the topics.
 */
@ApplicationScoped
public class FleetPartitions {

    private static final Logger LOG = Logger.getLogger(FleetPartitions.class);

    /** The longest cut: a fault of a benchmark, not a way to park a subnet. */
    public static final Duration LONGEST = Duration.ofHours(1);

    /** A cut-off subnet as the admin sees it. */
    public record Partition(String subnet, Instant until, int heldMessages, int waitingEvents) {
    }

    /** A subnet cut off, and what came for it meanwhile. */
    private static final class Cut {
        Instant until;
        long timer;
        final List<Runnable> held = new ArrayList<>();
    }

    private final DeviceServiceConfig config;
    private final Vertx vertx;
    private final Instance<SubnetLanes> lanes;
    private final Clock clock = Clock.systemUTC();
    /** Each hosted device's subnet (fleet mode; empty otherwise). */
    private final Map<String, Subnet> subnetOf;
    private final Map<Subnet, Cut> cuts = new ConcurrentHashMap<>();

    FleetPartitions(DeviceServiceConfig config, FleetConfig fleet, Vertx vertx, Instance<SubnetLanes> lanes) {
        this.config = config;
        this.vertx = vertx;
        this.lanes = lanes;
        this.subnetOf = config.mode() != DeviceServiceConfig.Mode.FLEET ? Map.of()
                : FleetLayout.plan(fleet).stream().collect(Collectors.toUnmodifiableMap(FleetLayout.Member::id,
                FleetLayout.Member::subnet));
    }

    /**
     * Cuts the subnet off for {@code length} from now; a subnet already cut stays so until the later of its two ends.
     *
     * @throws ConflictException     when this device-service hosts no simulated fleet
     * @throws NotFoundException     when the fleet hosts no device in the subnet
     * @throws InvalidInputException when {@code length} is not 1 s to {@link #LONGEST}
     */
    public synchronized Partition cut(Subnet subnet, Duration length) {
        if (config.mode() != DeviceServiceConfig.Mode.FLEET) {
            throw new ConflictException("a partition is a fault of the simulated fleet; this device-service runs in "
                    + config.mode().name().toLowerCase() + " mode");
        }
        if (!subnetOf.containsValue(subnet)) {
            throw new NotFoundException("the fleet hosts no device in subnet " + subnet + "; it hosts "
                    + subnetOf.values().stream().distinct().sorted(Comparator.comparing(Subnet::toString)).toList());
        }
        if (length.compareTo(Duration.ofSeconds(1)) < 0 || length.compareTo(LONGEST) > 0) {
            throw new InvalidInputException("seconds must be 1.." + LONGEST.toSeconds() + ", got " + length.toSeconds());
        }
        Instant until = clock.instant().plus(length);
        Cut cut = cuts.get(subnet);
        if (cut == null) {
            cut = new Cut();
            cuts.put(subnet, cut);
            lanes.get().hold(subnet.toString());
            LOG.warnf("fault: subnet %s is cut off from the broker and the repository until %s", subnet, until);
        } else if (until.isAfter(cut.until)) {
            vertx.cancelTimer(cut.timer);
        } else {
            return view(subnet, cut);
        }
        cut.until = until;
        cut.timer = vertx.setTimer(Math.max(1, Duration.between(clock.instant(), until).toMillis()),
                // Off the event loop: the devices write their state as they take the commands.
                timer -> vertx.executeBlocking(() -> {
                    heal(subnet, timer);
                    return null;
                }, false));
        return view(subnet, cut);
    }

    /** The subnets cut off now. */
    public synchronized List<Partition> partitions() {
        return cuts.entrySet().stream().map(e -> view(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing(Partition::subnet)).toList();
    }

    /**
     * Hands a command or configuration for a device of {@code subnet} over now, or at the heal if the subnet is cut
     * off (in the order they came).
     */
    public void deliver(Subnet subnet, Runnable handover) {
        if (cuts.isEmpty()) {
            handover.run();
            return;
        }
        synchronized (this) {
            Cut cut = cuts.get(subnet);
            if (cut != null) {
                cut.held.add(handover);
                return;
            }
        }
        handover.run();
    }

    /** Whether the device reaches the repository: not while its subnet is cut off. */
    public boolean reachesRepository(String deviceId) {
        if (cuts.isEmpty()) {
            return true;
        }
        Subnet subnet = subnetOf.get(deviceId);
        return subnet == null || !cuts.containsKey(subnet);
    }

    /**
     * Connects the subnet again: its lane sends at once, then what came for it is handed over, all under the lock so
     * that nothing arriving meanwhile overtakes it.
     */
    private synchronized void heal(Subnet subnet, long timer) {
        Cut cut = cuts.get(subnet);
        if (cut == null || cut.timer != timer) {
            return; // extended meanwhile: the later timer heals it
        }
        lanes.get().release(subnet.toString());
        LOG.warnf("fault over: subnet %s is connected again; %d command(s) and configuration(s) that waited are handed"
                + " over", subnet, cut.held.size());
        for (Runnable handover : cut.held) {
            try {
                handover.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "a command or configuration for subnet %s that waited failed", subnet);
            }
        }
        cuts.remove(subnet);
    }

    private Partition view(Subnet subnet, Cut cut) {
        return new Partition(subnet.toString(), cut.until, cut.held.size(), lanes.get().waiting(subnet.toString()));
    }
}
