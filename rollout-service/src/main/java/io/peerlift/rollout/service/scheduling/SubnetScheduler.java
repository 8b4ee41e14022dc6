package io.peerlift.rollout.service.scheduling;

import io.peerlift.events.Distribution;
import io.peerlift.events.EventCodec;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceLifecycle;
import io.peerlift.rollout.domain.DeviceProgress;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.domain.SubnetPlanner;
import io.peerlift.rollout.service.RolloutMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.FlushMode;
import org.hibernate.Session;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What the reconciler does to one subnet it holds the lock of: plan it with {@link SubnetPlanner} from its
 * counts and its peers, time out its silent devices, or cancel its devices. Every device it moves goes through
 * {@link DeviceLifecycle} and adds its difference to the subnet's counts.
 */
@ApplicationScoped
public class SubnetScheduler {

    /** Identifies, with the rollout, the advisory lock under which WAN seeds are counted against the global cap. */
    private static final int WAN_SEED_LOCK = 0x5345_4544;

    private final CommandOutbox outbox;
    private final RolloutConfig config;
    private final RolloutMetrics metrics;

    SubnetScheduler(CommandOutbox outbox, RolloutConfig config, RolloutMetrics metrics) {
        this.outbox = outbox;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Applies {@code step} ({@link #plan}, {@link #cancel}) to each subnet after one flush of what the transaction
     * changed before, and with no automatic flush before the steps' queries. A step reads only its own subnet's
     * rows and the inventory, which the steps of other subnets do not change (the count of WAN seeds across
     * subnets flushes itself); the automatic flush dirty-checked every entity of the transaction before each of
     * those queries, a quarter of the consumer's CPU with polls of 500 events.
     */
    public static void forEachFlushedOnce(Collection<RolloutSubnet> subnets, Consumer<RolloutSubnet> step) {
        if (subnets.isEmpty()) {
            return;
        }
        Session session = RolloutSubnet.getSession();
        session.flush();
        FlushMode previous = session.getHibernateFlushMode();
        session.setHibernateFlushMode(FlushMode.COMMIT);
        try {
            subnets.forEach(step);
        } finally {
            session.setHibernateFlushMode(previous);
        }
    }

    /**
     * Follows the subnet's peers and, while the rollout runs, commands as many of its ready devices as peer
     * slots (or WAN seeds) allow.
     */
    public void plan(Rollout rollout, RolloutSubnet subnet, Instant now) {
        plan(rollout, subnet, Device.peersOf(subnet.subnet, rollout.manifestSha256), now);
    }

    /**
     * {@link #plan} for each subnet, after one flush ({@link #forEachFlushedOnce}), with the peers of all of
     * them read in one query per rollout rather than one per subnet.
     */
    public void planAll(Map<String, Rollout> rollouts, List<RolloutSubnet> subnets, Instant now) {
        Map<String, Map<String, Device.Peers>> peers = new HashMap<>();
        forEachFlushedOnce(subnets, subnet -> {
            Rollout rollout = rollouts.get(subnet.rolloutId);
            Map<String, Device.Peers> ofRollout = peers.computeIfAbsent(rollout.id, id -> Device.peersOf(
                    subnets.stream().filter(s -> s.rolloutId.equals(id)).map(s -> s.subnet).toList(),
                    rollout.manifestSha256));
            plan(rollout, subnet, ofRollout.getOrDefault(subnet.subnet, Device.NO_PEERS), now);
        });
    }

    private void plan(Rollout rollout, RolloutSubnet subnet, Device.Peers peers, Instant now) {
        Instant since = rollout.startedAt == null ? now : rollout.startedAt;
        subnet.observePeers(peers.count(), peers.slots(), peers.https(),
                Duration.between(since, now).toMillis() / 1000.0);
        if (rollout.state != RolloutState.RUNNING) {
            waiting(subnet, null, now);
            subnet.wakeAt = null;
            subnet.planRequested = false;
            return;
        }
        Optional<MaintenanceWindow> window = rollout.maintenanceWindow();
        if (window.isPresent() && !window.get().isOpen(now)) {
            waitForWindow(subnet, window.get(), now);
            return;
        }
        ClosedFolderWindows closed = ClosedFolderWindows.of(rollout, subnet, now);
        boolean swarm = rollout.distribution == Distribution.SWARM;
        int limit = Math.max(swarm ? rollout.maxSwarmPerSubnet : peers.slots(), rollout.wanSeedsPerSubnet) + 1;
        List<RolloutDevice> ready = RolloutDevice.ready(rollout.id, subnet.subnet, now, limit, closed.windows());
        Duration grace = config.scheduler().restartGrace();
        Device.Restarting restarting = peers.count() == 0 && !ready.isEmpty()
                ? Device.restartingPeersOf(subnet.subnet, rollout.manifestSha256, now.minus(grace))
                : new Device.Restarting(0, null);
        boolean seeding = peers.count() == 0 && !ready.isEmpty() && restarting.count() == 0
                && subnet.counts.seedsOutstanding < rollout.wanSeedsPerSubnet;
        SubnetPlanner.Plan plan = SubnetPlanner.plan(new SubnetPlanner.Situation(
                peers.count(),
                peers.slots(),
                subnet.counts.peerSlotsTaken,
                subnet.counts.seedsOutstanding,
                subnet.counts.seedsExpired,
                ready.size(),
                seeding ? wanSlotsFree(rollout) : 0,
                rollout.wanSeedsPerSubnet,
                rollout.sourcePolicy,
                swarm ? new SubnetPlanner.Swarm(rollout.maxSwarmPerSubnet,
                        subnet.counts.commanded + subnet.counts.downloading, subnet.counts.seedsWithChunks) : null,
                restarting.count()));
        int next = 0;
        for (int i = 0; i < plan.seeds(); i++) {
            command(rollout, subnet, ready.get(next++), SourcePolicy.WAN_SEED, now);
        }
        for (int i = 0; i < plan.local(); i++) {
            command(rollout, subnet, ready.get(next++), rollout.sourcePolicy, now);
        }
        if (ready.isEmpty() && closed.devices() > 0) {
            waitForFolderWindows(subnet, closed, now);
        } else {
            waiting(subnet, plan.waiting(), now);
        }
        if (restarting.count() > 0) {
            // Looks again when the grace of the last one to stop ends; a peer that serves again wakes it sooner.
            subnet.wakeAt = restarting.latestStop().plus(grace);
        } else if (seeding && plan.seeds() == 0) {
            // Waits for another subnet's seed to free a WAN download slot: look again at the next tick.
            subnet.wakeAt = now.plus(config.scheduler().tick());
        } else {
            // Only when every ready device was commanded can a device backing off from a failed attempt be what
            // waits; while ready ones are left, a freed slot plans the subnet anyway (and looking cost a query
            // at nearly every plan).
            subnet.wakeAt = next == ready.size() && subnet.counts.pending > 0
                    ? RolloutDevice.nextRetry(rollout.id, subnet.subnet, now) : null;
        }
        if (closed.opens() != null && (subnet.wakeAt == null || closed.opens().isBefore(subnet.wakeAt))) {
            subnet.wakeAt = closed.opens();
        }
        subnet.planRequested = false;
    }

    /**
     * The folder windows under which some of the subnet's pending devices wait and that are closed now (as the
     * inventory stores them), how many devices wait under them, and the earliest of their next openings (null
     * when none opens again). A device outside its folders' window gets no new Upgrade, as outside the rollout's.
     */
    private record ClosedFolderWindows(List<String> windows, int devices, MaintenanceWindow first, Instant opens) {

        static ClosedFolderWindows of(Rollout rollout, RolloutSubnet subnet, Instant now) {
            List<String> closed = new ArrayList<>();
            int devices = 0;
            MaintenanceWindow first = null;
            Instant opens = null;
            for (Device.PendingUnderWindow pending : Device.windowsOfPending(rollout.id, subnet.subnet)) {
                MaintenanceWindow window = EventCodec.decode(pending.window(), MaintenanceWindow.class);
                if (window.isOpen(now)) {
                    continue;
                }
                closed.add(pending.window());
                devices += pending.devices();
                Optional<Instant> next = window.nextOpening(now);
                if (first == null || next.isPresent() && (opens == null || next.get().isBefore(opens))) {
                    first = window;
                    opens = next.orElse(null);
                }
            }
            return new ClosedFolderWindows(closed, devices, first, opens);
        }
    }

    /**
     * Fails the subnet's active devices that have been silent since {@code silentSince}, and tells each to stop the
     * attempt that timed out: the Cancel (naming that attempt) is queued before any next attempt, so the device
     * never carries an abandoned download into the retry.
     */
    public void timeOut(Rollout rollout, RolloutSubnet subnet, List<RolloutDevice> candidates, Instant silentSince,
                        Instant now) {
        DeviceLifecycle.Timeout timeout = new DeviceLifecycle.Timeout(
                Duration.ofSeconds(rollout.deviceTimeoutSeconds), now);
        for (RolloutDevice row : candidates) {
            if (Objects.equals(row.subnet, subnet.subnet) && row.state.isActive() && row.lastActivityAt != null
                    && row.lastActivityAt.isBefore(silentSince)) {
                move(rollout, subnet, row, timeout, now);
                outbox.queueCancel(rollout, row, now);
            }
        }
    }

    /**
     * Expires the subnet's upgraded WAN seeds that still do not serve the target {@code within} after their
     * upgrade, and plans the subnet again at once: the next seed is commanded in the same pass.
     */
    public void expireIdleSeeds(Rollout rollout, RolloutSubnet subnet, List<RolloutDevice> candidates,
                                Duration within, Instant now) {
        Map<String, Device> inventory = Device.<Device>list("deviceId in ?1",
                candidates.stream().map(row -> row.deviceId).toList()).stream()
                .collect(Collectors.toMap(d -> d.deviceId, d -> d));
        for (RolloutDevice row : candidates) {
            Device device = inventory.get(row.deviceId);
            if (Objects.equals(row.subnet, subnet.subnet) && row.finishedAt != null
                    && row.finishedAt.isBefore(now.minus(within)) && device != null
                    && !device.serves(rollout.manifestSha256)) {
                move(rollout, subnet, row, DeviceLifecycle.SeedExpired.after(within,
                        device.peerExpiredAt == null ? null : device.lastEventAt, device.peerRunning), now);
                subnet.planRequested = true;
            }
        }
    }

    /** Cancels the subnet's pending and active devices; those already commanded are told to stop. */
    public void cancel(Rollout rollout, RolloutSubnet subnet, Instant now) {
        List<RolloutDevice> unfinished = RolloutDevice.inSubnet(rollout.id, subnet.subnet,
                List.of(DeviceState.PENDING, DeviceState.COMMANDED, DeviceState.DOWNLOADING, DeviceState.INSTALLING));
        for (RolloutDevice row : unfinished) {
            boolean active = row.state.isActive();
            move(rollout, subnet, row, new DeviceLifecycle.Cancel(now), now);
            if (active) {
                outbox.queueCancel(rollout, row, now);
            }
        }
        waiting(subnet, null, now);
        subnet.wakeAt = null;
        subnet.planRequested = false;
    }

    /** Gives the subnet's FAILED devices a new attempt, to be planned at once; returns how many. */
    public int retryFailed(Rollout rollout, RolloutSubnet subnet, Instant now) {
        List<RolloutDevice> failed = RolloutDevice.inSubnet(rollout.id, subnet.subnet, List.of(DeviceState.FAILED));
        for (RolloutDevice row : failed) {
            move(rollout, subnet, row, new DeviceLifecycle.Retry(), now);
        }
        subnet.planRequested = true;
        subnet.wakeAt = null;
        return failed.size();
    }

    private void command(Rollout rollout, RolloutSubnet subnet, RolloutDevice row, SourcePolicy policy, Instant now) {
        move(rollout, subnet, row, new DeviceLifecycle.Command(UUID.randomUUID(), policy, now), now);
        if (subnet.startedAt == null) {
            subnet.startedAt = now;
        }
        outbox.queueUpgrade(rollout, row, now);
    }

    private void move(Rollout rollout, RolloutSubnet subnet, RolloutDevice row, DeviceLifecycle.Input input,
                      Instant now) {
        DeviceProgress before = row.progress();
        DeviceProgress after = DeviceLifecycle.next(before, input,
                rollout.rules(config.scheduler().retryBackoff(), config.scheduler().maxRetryBackoff()));
        if (!after.equals(before)) {
            row.set(after);
            subnet.deviceChanged(before, after, now);
            metrics.deviceChanged(before, after);
        }
    }

    /**
     * Outside the rollout's maintenance window no new Upgrade is commanded (those under way finish); the subnet
     * says until when it waits and is planned again at the next opening. Waiting for a window is no stall.
     */
    private static void waitForWindow(RolloutSubnet subnet, MaintenanceWindow window, Instant now) {
        Optional<Instant> opens = window.nextOpening(now);
        waiting(subnet, opens.map(at -> "waiting for the maintenance window until " + until(at, window))
                .orElse("the maintenance window '" + window.schedule() + "' never opens again"), now);
        subnet.stalledSince = null;
        subnet.wakeAt = opens.orElse(null);
        subnet.planRequested = false;
    }

    /**
     * Every pending device that could go waits for its folders' maintenance window: the subnet says until when
     * the first opens; like waiting for the rollout's window, no stall.
     */
    private static void waitForFolderWindows(RolloutSubnet subnet, ClosedFolderWindows closed, Instant now) {
        waiting(subnet, closed.devices() + " device(s) waiting for their folders' maintenance window"
                + (closed.opens() == null ? ", which never opens again ('" + closed.first().schedule() + "')"
                : " until " + until(closed.opens(), closed.first())), now);
        subnet.stalledSince = null;
    }

    /** {@code 2099-01-01T07:00:00Z (2099-01-01T08:00 Europe/Berlin)}: when a window opens, also in its zone. */
    private static String until(Instant at, MaintenanceWindow window) {
        return at.truncatedTo(ChronoUnit.SECONDS) + " (" + at.atZone(window.zone()).toLocalDateTime()
                .truncatedTo(ChronoUnit.SECONDS) + " " + window.zone().getId() + ")";
    }

    private static void waiting(RolloutSubnet subnet, String reason, Instant now) {
        if (reason == null) {
            subnet.stalledSince = null;
        } else if (subnet.stalledSince == null) {
            subnet.stalledSince = now;
        }
        if (!Objects.equals(subnet.waiting, reason)) {
            subnet.waiting = reason;
            subnet.statusVersion++;
        }
    }

    /**
     * The WAN seed downloads the rollout may still start. Subnets are planned in parallel, so the seeds are
     * counted under a lock of the rollout's seeding, held until this transaction ends: two subnets never take
     * the last slot both.
     */
    private static int wanSlotsFree(Rollout rollout) {
        var em = Rollout.getEntityManager();
        em.flush();
        em.createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))")
                .setParameter(1, WAN_SEED_LOCK)
                .setParameter(2, rollout.id)
                .getSingleResult();
        Number inFlight = (Number) em.createNativeQuery(
                        "select coalesce(sum(seeds_downloading), 0) from rollout_subnet where rollout_id = ?1")
                .setParameter(1, rollout.id)
                .getSingleResult();
        return Math.max(0, rollout.maxConcurrentWanDownloads - inFlight.intValue());
    }
}
