package io.peerlift.rollout.service.management;

import io.peerlift.events.OsVersion;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.AppPackage;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.domain.RolloutTransition;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.scheduling.RolloutChanged;
import io.peerlift.rollout.service.scheduling.RolloutExecutor;
import io.peerlift.support.problem.ConflictException;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What operators do to rollouts: create one, and start, pause, resume or cancel it. Each is one guard in a
 * short transaction under the rollout's lock; the reconciler does the rest, here at once for the caller to see
 * its result, otherwise at its next pass.
 */
@ApplicationScoped
public class RolloutManagement {

    private static final Map<RolloutTransition, String> REASONS = Map.of(
            RolloutTransition.START, "started by operator",
            RolloutTransition.PAUSE, "paused by operator",
            RolloutTransition.RESUME, "resumed by operator",
            RolloutTransition.CANCEL, "cancelled by operator");

    /** Passes a request runs the reconciler for: take in, start, plan. */
    private static final int SETTLING_PASSES = 3;

    private final RolloutExecutor executor;
    private final RolloutQueries queries;
    private final RolloutMetrics metrics;
    private final Event<RolloutChanged> changed;

    RolloutManagement(RolloutExecutor executor, RolloutQueries queries, RolloutMetrics metrics,
                      Event<RolloutChanged> changed) {
        this.executor = executor;
        this.queries = queries;
        this.metrics = metrics;
        this.changed = changed;
    }

    /** Validates the request against the repository and takes in the folder's devices; starts if asked. */
    public RolloutView create(RolloutRequest request) {
        String id = QuarkusTransaction.requiringNew().call(() -> persist(request));
        settle(id);
        return queries.get(id);
    }

    /** {@code action}: start, pause, resume or cancel. */
    public RolloutView act(String rolloutId, String action) {
        RolloutTransition transition = RolloutTransition.operatorAction(action);
        QuarkusTransaction.requiringNew().run(() -> guard(rolloutId, transition));
        settle(rolloutId);
        return queries.get(rolloutId);
    }

    /**
     * Runs the reconciler over the rollout until its state stops changing (taken in, then started, say), a few
     * passes at most: the caller sees the first commands decided, a large folder is left to the scheduler.
     */
    private void settle(String rolloutId) {
        RolloutState before;
        int passes = 0;
        do {
            before = queries.stateOf(rolloutId);
            executor.execute(rolloutId, RolloutExecutor.Pass.REQUEST);
        } while (++passes < SETTLING_PASSES && queries.stateOf(rolloutId) != before);
    }

    private void guard(String rolloutId, RolloutTransition transition) {
        Rollout rollout = Rollout.lock(rolloutId);
        if (rollout == null) {
            throw new NotFoundException("rollout " + rolloutId + " does not exist");
        }
        if (!transition.appliesTo(rollout.state)) {
            throw new ConflictException(transition.refusal(rolloutId, rollout.state));
        }
        if (transition == RolloutTransition.RESUME && rollout.state == RolloutState.PAUSED_ON_ERRORS) {
            rollout.failuresAcknowledged = RolloutSubnet.totals(rolloutId).failed;
        }
        rollout.moveTo(transition, REASONS.get(transition), Instant.now());
        if (rollout.state == RolloutState.RUNNING) {
            RolloutSubnet.requestPlanning(rolloutId);
        }
        metrics.rolloutReached(rollout.state);
        changed.fire(new RolloutChanged(rolloutId));
    }

    private String persist(RolloutRequest request) {
        OsVersion target = parseVersion("version", request.version());
        if (target.isBelow(OsVersion.MIN_OS12_TARGET)) {
            throw new InvalidInputException("target version " + request.version() + " is below "
                    + OsVersion.MIN_OS12_TARGET + ", the oldest OS 12 that can be rolled out and serve as a peer");
        }
        parseVersion("minSourceVersion", request.minSourceVersionOrDefault());
        if (request.sourcePolicyOrDefault() == SourcePolicy.WAN_SEED) {
            throw new InvalidInputException("sourcePolicy must be PEER_THEN_WAN or PEER_ONLY; WAN_SEED is chosen "
                    + "by the scheduler for the wanSeedsPerSubnet seeds of a subnet without a peer");
        }
        AppPackage pkg = AppPackage.find(request.app(), request.version()).orElseThrow(() ->
                new InvalidInputException("app " + request.app() + " version " + request.version()
                        + " is not in the repository; upload it first with PUT /api/apps/" + request.app() + "/"
                        + request.version()));
        Rollout rollout = new Rollout();
        rollout.id = UUID.randomUUID().toString();
        rollout.folderId = request.folderId();
        rollout.app = pkg.app;
        rollout.version = pkg.version;
        rollout.manifestSha256 = pkg.manifestSha256;
        rollout.releaseSignature = pkg.signature;
        rollout.packageBytes = pkg.size;
        rollout.minSourceVersion = request.minSourceVersionOrDefault();
        rollout.sourcePolicy = request.sourcePolicyOrDefault();
        rollout.wanSeedsPerSubnet = request.wanSeedsPerSubnetOrDefault();
        rollout.maxConcurrentWanDownloads = request.maxConcurrentWanDownloadsOrDefault();
        rollout.errorThresholdPercent = request.errorThresholdPercentOrDefault();
        rollout.retryLimit = request.retryLimitOrDefault();
        rollout.deviceTimeoutSeconds = request.deviceTimeoutSecondsOrDefault();
        rollout.startWhenReady = request.startOrDefault();
        rollout.state = RolloutState.CREATING;
        rollout.stateReason = "taking in the devices of folder " + request.folderId();
        rollout.createdAt = Instant.now();
        rollout.persist();
        metrics.rolloutReached(rollout.state);
        changed.fire(new RolloutChanged(rollout.id));
        return rollout.id;
    }

    private static OsVersion parseVersion(String field, String text) {
        try {
            return OsVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field + ": " + e.getMessage());
        }
    }
}
