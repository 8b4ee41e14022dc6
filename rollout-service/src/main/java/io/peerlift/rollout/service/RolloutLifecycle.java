package io.peerlift.rollout.service;

import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The rollout state machine: operator actions, the error threshold and completion. */
@ApplicationScoped
public class RolloutLifecycle {

    /** What an operator can ask for, and from which states. */
    public enum Action {
        START(RolloutState.RUNNING, EnumSet.of(RolloutState.CREATED)),
        PAUSE(RolloutState.PAUSED, EnumSet.of(RolloutState.RUNNING)),
        RESUME(RolloutState.RUNNING, EnumSet.of(RolloutState.PAUSED, RolloutState.PAUSED_ON_ERRORS)),
        CANCEL(RolloutState.CANCELLED, RolloutState.open());

        private final RolloutState target;
        private final Set<RolloutState> from;

        Action(RolloutState target, Set<RolloutState> from) {
            this.target = target;
            this.from = from;
        }
    }

    private final SubnetScheduler scheduler;
    private final CommandOutbox outbox;
    private final DeviceProgress progress;
    private final RolloutMetrics metrics;
    private final Event<RolloutTouched> touched;

    RolloutLifecycle(SubnetScheduler scheduler, CommandOutbox outbox, DeviceProgress progress, RolloutMetrics metrics,
                     Event<RolloutTouched> touched) {
        this.scheduler = scheduler;
        this.outbox = outbox;
        this.progress = progress;
        this.metrics = metrics;
        this.touched = touched;
    }

    @Transactional
    public Rollout apply(String rolloutId, Action action) {
        Rollout rollout = Rollout.lock(rolloutId);
        if (rollout == null) {
            throw ProblemException.notFound("rollout " + rolloutId + " does not exist");
        }
        if (!action.from.contains(rollout.state)) {
            throw ProblemException.conflict("cannot " + action.name().toLowerCase(Locale.ROOT) + " rollout "
                    + rolloutId + ": it is " + rollout.state + ", and " + action.name().toLowerCase(Locale.ROOT)
                    + " applies only to a rollout that is " + action.from.stream().map(Enum::name).sorted()
                    .collect(Collectors.joining(" or ")));
        }
        Instant now = Instant.now();
        switch (action) {
            case START -> moveTo(rollout, RolloutState.RUNNING, "started by operator", now);
            case PAUSE -> moveTo(rollout, RolloutState.PAUSED, "paused by operator", now);
            case RESUME -> {
                if (rollout.state == RolloutState.PAUSED_ON_ERRORS) {
                    rollout.failuresAcknowledged = (int) countIn(rollout.id, EnumSet.of(DeviceState.FAILED));
                }
                moveTo(rollout, RolloutState.RUNNING, "resumed by operator", now);
            }
            case CANCEL -> cancel(rollout, now);
        }
        if (rollout.state == RolloutState.RUNNING) {
            scheduleAll(rollout, now);
        }
        return rollout;
    }

    /** Schedules every subnet of the rollout that has work, then checks threshold and completion. */
    public void scheduleAll(Rollout rollout, Instant now) {
        for (String subnet : RolloutDevice.subnetsWithWork(rollout.id)) {
            scheduler.schedule(rollout, subnet, now);
        }
        checkProgress(rollout, now);
    }

    /** Pauses on too many failures, completes when no device has anything left to do. */
    public void checkProgress(Rollout rollout, Instant now) {
        touched.fire(new RolloutTouched(rollout.id, false));
        if (rollout.state != RolloutState.RUNNING && rollout.state != RolloutState.PAUSED) {
            return;
        }
        Map<DeviceState, Long> counts = RolloutDevice.countByState(rollout.id);
        long failed = counts.getOrDefault(DeviceState.FAILED, 0L) - rollout.failuresAcknowledged;
        long counted = counts.entrySet().stream()
                .filter(e -> e.getKey() != DeviceState.INELIGIBLE && e.getKey() != DeviceState.CURRENT)
                .mapToLong(Map.Entry::getValue).sum();
        if (rollout.state == RolloutState.RUNNING && failed > 0
                && failed * 100 > (long) rollout.errorThresholdPercent * counted) {
            moveTo(rollout, RolloutState.PAUSED_ON_ERRORS, failed + " of " + counted + " devices failed ("
                    + (failed * 100 / counted) + "%), above the error threshold of " + rollout.errorThresholdPercent
                    + "%; resume to go on", now);
            return;
        }
        long unfinished = counts.entrySet().stream()
                .filter(e -> e.getKey() == DeviceState.PENDING || e.getKey().isActive())
                .mapToLong(Map.Entry::getValue).sum();
        if (unfinished == 0 && !counts.isEmpty()) {
            moveTo(rollout, RolloutState.COMPLETED, counts.getOrDefault(DeviceState.UPGRADED, 0L) + " upgraded, "
                    + counts.getOrDefault(DeviceState.FAILED, 0L) + " failed", now);
        }
    }

    private void cancel(Rollout rollout, Instant now) {
        for (RolloutDevice row : RolloutDevice.ofRollout(rollout.id,
                EnumSet.of(DeviceState.PENDING, DeviceState.COMMANDED, DeviceState.DOWNLOADING, DeviceState.INSTALLING))) {
            if (row.state.isActive()) {
                outbox.queueCancel(rollout, row, now);
            }
            row.finishedAt = now;
            progress.moveTo(row, DeviceState.CANCELLED);
        }
        moveTo(rollout, RolloutState.CANCELLED, "cancelled by operator", now);
    }

    private void moveTo(Rollout rollout, RolloutState next, String reason, Instant now) {
        if (!rollout.state.canMoveTo(next)) {
            throw new IllegalStateException("rollout " + rollout.id + " cannot go from " + rollout.state + " to " + next);
        }
        rollout.state = next;
        rollout.stateReason = reason;
        if (next == RolloutState.RUNNING && rollout.startedAt == null) {
            rollout.startedAt = now;
        }
        if (next.isFinished()) {
            rollout.finishedAt = now;
        }
        metrics.rolloutReached(next);
        touched.fire(new RolloutTouched(rollout.id, true));
    }

    static long countIn(String rolloutId, Set<DeviceState> states) {
        return RolloutDevice.count("rolloutId = ?1 and state in ?2", rolloutId, states);
    }
}
