package io.peerlift.rollout.service.facts;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.Topics;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceLifecycle;
import io.peerlift.rollout.domain.DeviceProgress;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutDevice.Member;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.domain.RolloutSubnet.Key;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.membership.Membership;
import io.peerlift.rollout.service.scheduling.SubnetScheduler;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.peerlift.support.retry.TransientFailures;
import io.smallrye.faulttolerance.api.ApplyGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Records one poll of device events in one transaction: the inventory rows of the devices, the rows of the
 * rollouts their events answer (moved by {@link DeviceLifecycle}) and the counts of those rows' subnets. The
 * subnets that the events made due (of a running rollout, or of one that follows its peers) are then planned
 * ({@link SubnetScheduler#plan}) in the same transaction, under the locks it already holds: events are keyed by subnet, so the consumer of a subnet's
 * partition is the one that plans it after its events, and neither waits for the other's locks. The reconciler
 * plans what the clock makes due and makes the rollout-wide decisions.
 * <p>
 * Locks are taken devices first (in id order, so a duplicate or stale event is recognised by its seq), then
 * the subnets concerned, then their rows. A heartbeat that changes nothing costs one row update.
 */
@ApplicationScoped
public class EventRecorder {

    /**
     * The states whose due subnets the reconciler would plan ({@link SubnetScheduler#plan}: a running rollout
     * commands, the others follow their peers). A cancelling rollout's subnets are the reconciler's to cancel.
     */
    private static final Set<RolloutState> PLANNED_HERE = EnumSet.of(RolloutState.RUNNING, RolloutState.PAUSED,
            RolloutState.PAUSED_ON_ERRORS, RolloutState.COMPLETED, RolloutState.CANCELLED);

    private final RolloutConfig config;
    private final RolloutMetrics metrics;
    private final SubnetScheduler scheduler;
    private final Event<FactsRecorded> recorded;

    EventRecorder(RolloutConfig config, RolloutMetrics metrics, SubnetScheduler scheduler,
                  Event<FactsRecorded> recorded) {
        this.config = config;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.recorded = recorded;
    }

    /**
     * In a transaction of its own, retried for as long as it fails for a reason that may pass (a lock, the database
     * away): the one policy of {@link TransientFailures}; a record that can never apply aborts at once.
     */
    @ApplyGuard(TransientFailures.GUARD)
    public void record(List<DeviceEvent> events) {
        QuarkusTransaction.requiringNew().run(() -> recordInTransaction(events));
    }

    private void recordInTransaction(List<DeviceEvent> events) {
        Instant now = Instant.now();
        Map<String, Device> devices = Device.lockOrCreate(
                events.stream().map(DeviceEvent::deviceId).collect(Collectors.toCollection(TreeSet::new)), now);
        Batch batch = new Batch();
        for (DeviceEvent event : events) {
            Device device = devices.get(event.deviceId());
            if (!event.follows(device.lastEpoch, device.lastSeq)) {
                batch.duplicates++;
                continue;
            }
            batch.applied++;
            Device.Change change = device.apply(event, now);
            if (change.subnetChanged(device)) {
                batch.relocated.add(device.deviceId);
            }
            if (change.servingChanged() || change.subnetChanged(device)) {
                batch.peersChanged.add(device.subnet);
                if (change.previousSubnet() != null) {
                    batch.peersChanged.add(change.previousSubnet());
                }
            }
            if (change.versionChanged()) {
                batch.versionChanged.add(device.deviceId);
            }
            if (event instanceof DeviceEvent.Answer answer && answer.rolloutId() != null) {
                batch.answers.add(answer);
            }
        }
        if (batch.concernsRollouts()) {
            recordInRollouts(batch, devices, now);
        }
        metrics.consumed(Topics.DEVICE_EVENTS, "applied", batch.applied);
        metrics.consumed(Topics.DEVICE_EVENTS, "duplicate", batch.duplicates);
        metrics.consumed(Topics.DEVICE_EVENTS, "stale", batch.stale);
        metrics.batchRecorded(Topics.DEVICE_EVENTS, events.size());
    }

    private void recordInRollouts(Batch batch, Map<String, Device> devices, Instant now) {
        Map<String, Rollout> followed = Rollout.<Rollout>list("state not in ?1 or finishedAt > ?2",
                        RolloutState.finished(),
                        now.minus(config.scheduler().peersFollowedAfterFinish()))
                .stream().collect(Collectors.toMap(r -> r.id, Function.identity()));
        Set<String> live = followed.values().stream().filter(r -> !r.state.isFinished()).map(r -> r.id)
                .collect(Collectors.toSet());
        Map<String, Rollout> rollouts = new HashMap<>(followed);
        batch.answers.forEach(a -> rollouts.computeIfAbsent(a.rolloutId(), Rollout::findById));
        rollouts.values().removeIf(Objects::isNull);

        // Whose rows: the answering devices (and the peers their downloads name) in the answered rollouts, and
        // the devices that moved or changed version in every live rollout.
        Set<String> memberIds = new HashSet<>(batch.relocated);
        memberIds.addAll(batch.versionChanged);
        Set<String> rolloutIds = new HashSet<>(memberIds.isEmpty() ? Set.of() : live);
        for (DeviceEvent.Answer answer : batch.answers) {
            memberIds.add(answer.deviceId());
            rolloutIds.add(answer.rolloutId());
            if (answer instanceof DeviceEvent.DownloadStarted started && started.peerId() != null) {
                memberIds.add(started.peerId());
            }
        }
        rolloutIds.retainAll(rollouts.keySet());

        Set<Key> rowSubnets = new HashSet<>();
        for (RolloutDevice.Place place : RolloutDevice.places(memberIds, rolloutIds)) {
            rowSubnets.add(place.subnetKey());
            if (batch.relocated.contains(place.deviceId()) && live.contains(place.rolloutId())) {
                rowSubnets.add(new Key(place.rolloutId(), devices.get(place.deviceId()).subnet));
            }
        }
        Set<Key> peerSubnets = new HashSet<>();
        for (String subnet : batch.peersChanged) {
            followed.keySet().forEach(rolloutId -> peerSubnets.add(new Key(rolloutId, subnet)));
        }
        Map<Key, RolloutSubnet> subnets = RolloutSubnet.lock(peerSubnets, rowSubnets);
        Map<Member, RolloutDevice> rows = RolloutDevice.of(memberIds, rolloutIds);
        Set<String> touched = new HashSet<>();

        for (String deviceId : batch.relocated) {
            Device device = devices.get(deviceId);
            rowsOf(rows, deviceId, live).stream().filter(row -> !Objects.equals(row.subnet, device.subnet))
                    .forEach(row -> {
                        DeviceProgress progress = row.progress();
                        subnets.get(row.subnetKey()).deviceChanged(progress, null, now);
                        row.subnet = device.subnet;
                        subnets.get(row.subnetKey()).deviceChanged(null, progress, now);
                        touched.add(row.rolloutId);
                    });
        }
        for (DeviceEvent.Answer answer : batch.answers) {
            RolloutDevice row = rows.get(new Member(answer.rolloutId(), answer.deviceId()));
            if (row == null) {
                continue;
            }
            Rollout rollout = rollouts.get(answer.rolloutId());
            DeviceProgress before = row.progress();
            if (!DeviceLifecycle.answers(before, answer)) {
                batch.stale++;
                continue;
            }
            DeviceProgress after = DeviceLifecycle.next(before,
                    new DeviceLifecycle.Answer(answer, peerRound(rows, answer), now), rules(rollout));
            if (!after.equals(before)) {
                row.set(after);
                subnets.get(row.subnetKey()).deviceChanged(before, after, now);
                metrics.deviceChanged(before, after);
                touched.add(row.rolloutId);
            }
        }
        for (String deviceId : batch.versionChanged) {
            Device device = devices.get(deviceId);
            for (RolloutDevice row : rowsOf(rows, deviceId, live)) {
                Rollout rollout = rollouts.get(row.rolloutId);
                Membership.reassess(rollout, device, row, subnets.get(row.subnetKey()), rules(rollout), now);
                touched.add(row.rolloutId);
            }
        }
        for (Key key : peerSubnets) {
            RolloutSubnet subnet = subnets.get(key);
            if (subnet != null) {
                // Peers came or went: the subnet's capacity changed, and its planning counts them.
                subnet.planRequested = true;
                touched.add(key.rolloutId());
            }
        }
        List<RolloutSubnet> due = subnets.values().stream().filter(subnet -> subnet.planRequested
                && subnet.subnet != null && rollouts.containsKey(subnet.rolloutId)
                && PLANNED_HERE.contains(rollouts.get(subnet.rolloutId).state)).toList();
        scheduler.planAll(rollouts, due, now);
        metrics.subnetsPlanned(due.size());
        // The reconciler is woken only for what was left due here (a cancelling rollout's subnets): a
        // pass after every poll found nothing to plan and cost two workers a handful of transactions each.
        Set<String> leftDue = subnets.values().stream().filter(subnet -> subnet.planRequested)
                .map(subnet -> subnet.rolloutId).filter(touched::contains).collect(Collectors.toSet());
        if (!leftDue.isEmpty()) {
            recorded.fire(new FactsRecorded(leftDue));
        }
    }

    private static List<RolloutDevice> rowsOf(Map<Member, RolloutDevice> rows, String deviceId, Set<String> rollouts) {
        List<RolloutDevice> found = new ArrayList<>();
        for (String rolloutId : rollouts) {
            RolloutDevice row = rows.get(new Member(rolloutId, deviceId));
            if (row != null) {
                found.add(row);
            }
        }
        return found;
    }

    /** The round of the peer a download started from, in the same rollout; 0 when it is not a member. */
    private static int peerRound(Map<Member, RolloutDevice> rows, DeviceEvent.Answer answer) {
        if (answer instanceof DeviceEvent.DownloadStarted started && started.peerId() != null) {
            RolloutDevice peer = rows.get(new Member(answer.rolloutId(), started.peerId()));
            return peer == null ? 0 : peer.round;
        }
        return 0;
    }

    private DeviceLifecycle.Rules rules(Rollout rollout) {
        return rollout.rules(config.scheduler().retryBackoff(), config.scheduler().maxRetryBackoff());
    }

    /** What one poll of events brought, beyond the inventory. */
    private static final class Batch {
        final List<DeviceEvent.Answer> answers = new ArrayList<>();
        final Set<String> relocated = new LinkedHashSet<>();
        final Set<String> versionChanged = new LinkedHashSet<>();
        final Set<String> peersChanged = new LinkedHashSet<>();
        int applied;
        int duplicates;
        int stale;

        boolean concernsRollouts() {
            return !answers.isEmpty() || !relocated.isEmpty() || !versionChanged.isEmpty() || !peersChanged.isEmpty();
        }
    }
}
