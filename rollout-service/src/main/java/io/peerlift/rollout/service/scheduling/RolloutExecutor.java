package io.peerlift.rollout.service.scheduling;

import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.DeviceCounts;
import io.peerlift.rollout.domain.ErrorThreshold;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.domain.RolloutTransition;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.membership.TakeIn;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The reconciler of one rollout, after hawkBit's rollout executor: one switch on the rollout's state, a
 * handler per state. Each step runs in a short transaction of its own; subnets are claimed with their row lock
 * skipping those another worker or replica holds, so the subnets of a rollout proceed in parallel and replicas
 * share them, while rollout-wide decisions are taken by whoever holds the rollout's lock.
 */
@ApplicationScoped
public class RolloutExecutor {

    /** How long one pass keeps taking in pages of a new rollout before the next pass goes on. */
    private static final Duration TAKE_IN_BUDGET = Duration.ofSeconds(2);
    /** Devices a sweep (silent devices timed out, idle seeds expired) moves per pass. */
    private static final int PER_PASS = 500;

    private final SubnetScheduler subnets;
    private final TakeIn takeIn;
    private final RolloutConfig config;
    private final RolloutMetrics metrics;
    private final Event<RolloutChanged> changed;

    RolloutExecutor(SubnetScheduler subnets, TakeIn takeIn, RolloutConfig config, RolloutMetrics metrics,
                    Event<RolloutChanged> changed) {
        this.subnets = subnets;
        this.takeIn = takeIn;
        this.config = config;
        this.metrics = metrics;
        this.changed = changed;
    }

    /** Who asks for a pass, which decides what it does besides the state's handler. */
    public enum Pass {
        /** Events were recorded: plan what they made due, skipping subnets another worker holds. */
        EVENTS,
        /** The clock: also time out silent devices and audit the membership. */
        TICK,
        /**
         * An operator's request: wait for the subnets other workers hold, so that what the caller reads next
         * includes everything this pass and theirs decided.
         */
        REQUEST;

        boolean tick() {
            return this == TICK;
        }

        boolean waits() {
            return this == REQUEST;
        }
    }

    /** One pass over the rollout, as its state asks. */
    public void execute(String rolloutId, Pass pass) {
        RolloutState state = QuarkusTransaction.requiringNew().call(() -> {
            Rollout rollout = Rollout.findById(rolloutId);
            return rollout == null ? null : rollout.state;
        });
        if (state == null) {
            return;
        }
        switch (state) {
            case CREATING -> handleCreating(rolloutId);
            case WAITING_FOR_APPROVAL -> {
                // Waits for an approver's decision (RolloutManagement.decide).
            }
            case CREATED -> handleCreated(rolloutId);
            case RUNNING, PAUSED, PAUSED_ON_ERRORS -> handleOpen(rolloutId, pass);
            case CANCELLING -> handleCancelling(rolloutId, pass);
            case COMPLETED, CANCELLED -> planDue(rolloutId, pass);
            case APPROVAL_DENIED -> {
                // Terminal: nothing was commanded.
            }
        }
    }

    /**
     * Taken in (and approved, where it needs approval): starts the rollout if it was created to start, which
     * passed the start gate then; otherwise it waits for an operator's start.
     */
    private void handleCreated(String rolloutId) {
        // Most passes over a CREATED rollout find one waiting for an operator: read it before taking its lock.
        boolean starts = QuarkusTransaction.requiringNew().call(() -> {
            Rollout rollout = Rollout.findById(rolloutId);
            return rollout != null && rollout.startWhenReady;
        });
        if (!starts) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Rollout rollout = Rollout.lockForUpdate(rolloutId);
            if (rollout != null && rollout.state == RolloutState.CREATED && rollout.startWhenReady) {
                move(rollout, RolloutTransition.START, rollout.approvalDecidedBy == null ? "started by operator"
                        : "started on approval by " + rollout.approvalDecidedBy, Instant.now());
                RolloutSubnet.requestPlanning(rolloutId);
            }
        });
    }

    private void handleCreating(String rolloutId) {
        Instant deadline = Instant.now().plus(TAKE_IN_BUDGET);
        while (takeIn.nextPage(rolloutId, Instant.now()) && Instant.now().isBefore(deadline)) {
            // One page per transaction.
        }
    }

    /** Running: plans. Paused: follows the peers only, and completes when what was commanded is done. */
    private void handleOpen(String rolloutId, Pass pass) {
        int moved = 0;
        if (pass.tick()) {
            moved += timeOutSilentDevices(rolloutId);
            moved += expireIdleSeeds(rolloutId);
            takeIn.audit(rolloutId, Instant.now());
        }
        moved += planDue(rolloutId, pass);
        if (moved > 0 || pass != Pass.EVENTS) {
            decide(rolloutId);
        }
    }

    private void handleCancelling(String rolloutId, Pass pass) {
        while (inSubnets(rolloutId, RolloutSubnet.Claim.UNFINISHED, pass, subnets::cancel)
                == config.scheduler().subnetsPerTransaction()) {
            // A few subnets per transaction; those another transaction holds are cancelled at the next pass.
        }
        decide(rolloutId);
    }

    /** Plans every subnet that is due, a few per transaction; returns how many. */
    private int planDue(String rolloutId, Pass pass) {
        int total = 0;
        int claimed;
        do {
            claimed = inSubnets(rolloutId, RolloutSubnet.Claim.DUE, pass, subnets::plan);
            total += claimed;
        } while (claimed == config.scheduler().subnetsPerTransaction());
        metrics.subnetsPlanned(total);
        return total;
    }

    private interface SubnetStep {
        void apply(Rollout rollout, RolloutSubnet subnet, Instant now);
    }

    private int inSubnets(String rolloutId, RolloutSubnet.Claim claim, Pass pass, SubnetStep step) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            Rollout rollout = Rollout.share(rolloutId);
            if (rollout == null) {
                return 0;
            }
            List<RolloutSubnet> claimed = RolloutSubnet.claim(rolloutId, claim, pass.waits(), now,
                    config.scheduler().subnetsPerTransaction());

            SubnetScheduler.forEachFlushedOnce(claimed, subnet -> step.apply(rollout, subnet, now));
            return claimed.size();
        });
    }

    /** Fails devices that have been silent for the rollout's device timeout, in the subnets free right now. */
    private int timeOutSilentDevices(String rolloutId) {
        return sweep(rolloutId,
                (rollout, now) -> RolloutDevice.silentSince(rolloutId, silentSince(rollout, now), PER_PASS),
                (rollout, subnet, rows, now) -> subnets.timeOut(rollout, subnet, rows, silentSince(rollout, now), now));
    }

    private static Instant silentSince(Rollout rollout, Instant now) {
        return now.minusSeconds(rollout.deviceTimeoutSeconds);
    }

    /**
     * Expires the WAN seeds that upgraded but do not serve their subnet in time, in the subnets free right now;
     * their subnets are planned in this pass, so the next seed is commanded at once.
     */
    private int expireIdleSeeds(String rolloutId) {
        Duration within = config.stalls().seedServesWithin();
        return sweep(rolloutId,
                (rollout, now) -> RolloutDevice.idleSeeds(rolloutId, rollout.manifestSha256, now.minus(within),
                        PER_PASS),
                (rollout, subnet, rows, now) -> subnets.expireIdleSeeds(rollout, subnet, rows, within, now));
    }

    /** Devices of a rollout that the clock made due for a step. */
    private interface Due {
        List<RolloutDevice.Place> find(Rollout rollout, Instant now);
    }

    /** What a sweep does to the due devices of one subnet it holds the lock of. */
    private interface SweepStep {
        void apply(Rollout rollout, RolloutSubnet subnet, List<RolloutDevice> rows, Instant now);
    }

    /** In one transaction, applies {@code step} to the due devices of each subnet free right now; returns how many. */
    private int sweep(String rolloutId, Due due, SweepStep step) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            Rollout rollout = Rollout.share(rolloutId);
            Map<String, List<RolloutDevice.Place>> bySubnet = due.find(rollout, now).stream()
                    .collect(Collectors.groupingBy(p -> String.valueOf(p.subnet())));
            int swept = 0;
            for (List<RolloutDevice.Place> places : bySubnet.values()) {
                RolloutSubnet subnet = RolloutSubnet.tryLock(rolloutId, places.get(0).subnet());
                if (subnet != null) {
                    var rows = RolloutDevice.of(places.stream().map(RolloutDevice.Place::deviceId).toList(),
                            List.of(rolloutId)).values();
                    step.apply(rollout, subnet, List.copyOf(rows), now);
                    swept += rows.size();
                }
            }
            return swept;
        });
    }

    /**
     * The rollout-wide decisions: error threshold, completion, cancelled. Nearly every pass decides nothing, so
     * the rollout is read without its lock first and locked only to move it, deciding again under the lock;
     * otherwise every pass queued behind the status publisher and the other workers for that lock.
     */
    private void decide(String rolloutId) {
        boolean moves = QuarkusTransaction.requiringNew().call(() -> {
            Rollout rollout = Rollout.findById(rolloutId);
            return rollout != null && decision(rollout, RolloutSubnet.totals(rolloutId)).isPresent();
        });
        if (!moves) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Rollout rollout = Rollout.lockForUpdate(rolloutId);
            if (rollout != null) {
                decision(rollout, RolloutSubnet.totals(rolloutId))
                        .ifPresent(decided -> move(rollout, decided.transition(), decided.reason(), Instant.now()));
            }
        });
    }

    /** A rollout-wide move and why. */
    record Decision(RolloutTransition transition, String reason) {
    }

    /** The move the rollout's counts call for, if any. */
    static Optional<Decision> decision(Rollout rollout, DeviceCounts totals) {
        boolean done = totals.total() > 0 && totals.unfinished() == 0;
        Optional<String> tooManyFailures = new ErrorThreshold(rollout.errorThresholdPercent)
                .exceededBy(totals, rollout.failuresAcknowledged);
        if (rollout.state == RolloutState.RUNNING && tooManyFailures.isPresent()) {
            return Optional.of(new Decision(RolloutTransition.PAUSE_ON_ERRORS, tooManyFailures.get()));
        }
        if (rollout.state == RolloutState.CANCELLING && totals.unfinished() == 0) {
            return Optional.of(new Decision(RolloutTransition.CANCELLED, "cancelled by operator"));
        }
        if (done && RolloutTransition.COMPLETE.appliesTo(rollout.state)) {
            return Optional.of(new Decision(RolloutTransition.COMPLETE,
                    totals.upgraded + " upgraded, " + totals.failed + " failed"));
        }
        return Optional.empty();
    }

    private void move(Rollout rollout, RolloutTransition transition, String reason, Instant now) {
        rollout.moveTo(transition, reason, now);
        metrics.rolloutReached(rollout.state);
        changed.fire(new RolloutChanged(rollout.id));
    }
}
