package io.peerlift.rollout.service.management;

import io.peerlift.events.AppManifest;
import io.peerlift.events.OsVersion;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.client.ProfileService;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Approval;
import io.peerlift.rollout.domain.AppPackage;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.domain.RolloutTransition;
import io.peerlift.rollout.domain.StartGate;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.inventory.Inventory;
import io.peerlift.rollout.service.scheduling.RolloutChanged;
import io.peerlift.rollout.service.scheduling.RolloutExecutor;
import io.peerlift.rollout.service.scheduling.SubnetScheduler;
import io.peerlift.support.problem.ConflictException;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.peerlift.support.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What operators do to rollouts: create one; start, pause, resume or cancel it; retry its failed devices once
 * it is finished; archive it. What approvers do: approve or deny one that waits for approval ({@link Approval}).
 * Each is one guard in a short transaction under the rollout's lock; the reconciler does the rest, here at once
 * for the caller to see its result, otherwise at its next pass. Creating and
 * starting pass the {@link StartGate} first: the folder as profile-service reports it, its devices, and the
 * other unfinished rollouts.
 */
@ApplicationScoped
public class RolloutManagement {

    private static final Map<RolloutTransition, String> REASONS = Map.of(
            RolloutTransition.START, "started by operator",
            RolloutTransition.PAUSE, "paused by operator",
            RolloutTransition.RESUME, "resumed by operator",
            RolloutTransition.CANCEL, "cancelled by operator",
            RolloutTransition.RETRY_FAILED, "retrying the failed devices, by operator");

    /** Passes a request runs the reconciler for: take in, start, plan. */
    private static final int SETTLING_PASSES = 3;

    private final RolloutExecutor executor;
    private final RolloutQueries queries;
    private final RolloutMetrics metrics;
    private final Event<RolloutChanged> changed;
    private final Event<RolloutArchived> archived;
    private final ProfileService profileService;
    private final Inventory inventory;
    private final SubnetScheduler subnets;
    private final RolloutConfig config;

    RolloutManagement(RolloutExecutor executor, RolloutQueries queries, RolloutMetrics metrics,
                      Event<RolloutChanged> changed, Event<RolloutArchived> archived, ProfileService profileService,
                      Inventory inventory, SubnetScheduler subnets, RolloutConfig config) {
        this.executor = executor;
        this.queries = queries;
        this.metrics = metrics;
        this.changed = changed;
        this.archived = archived;
        this.profileService = profileService;
        this.inventory = inventory;
        this.subnets = subnets;
        this.config = config;
    }

    /**
     * An operator's start: {@code force} goes past the folder's consistency errors, {@code reason} says why;
     * {@code authorization} is the operator's token, forwarded to profile-service.
     */
    public record Start(boolean force, String reason, String authorization) {
    }

    /**
     * Validates the request against the repository and the {@link StartGate}, and takes in the folder's
     * devices; starts if asked (once approved, where the rollout needs approval).
     *
     * @param creator the caller (the token's subject), who may not approve the rollout
     */
    public RolloutView create(RolloutRequest request, Start start, String creator) {
        validate(request);
        Optional<StartGate.FolderReport> folder = profileService.folder(request.folderId(), start.authorization());
        String id = QuarkusTransaction.requiringNew().call(() -> persist(request, folder, start, creator));
        settle(id);
        return queries.get(id);
    }

    /** Starts a CREATED rollout once it passes the {@link StartGate}. */
    public RolloutView start(String rolloutId, Start start) {
        long folderId = queries.get(rolloutId).folderId();
        Optional<StartGate.FolderReport> folder = profileService.folder(folderId, start.authorization());
        QuarkusTransaction.requiringNew().run(() -> {
            Rollout.lockStarts();
            Rollout rollout = lockExisting(rolloutId);
            if (RolloutTransition.START.appliesTo(rollout.state)) {
                StartGate.Facts facts = new StartGate.Facts(folderId, folder, RolloutSubnet.totals(rolloutId).total(),
                        Rollout.unfinishedOverlapping(folderId, rolloutId));
                rollout.forcedStart = passGate(facts, new StartGate.Request(true, start.force(), start.reason()));
            }
            guard(rollout, RolloutTransition.START);
        });
        settle(rolloutId);
        return queries.get(rolloutId);
    }

    /** {@code action}: pause, resume, cancel or retry-failed. */
    public RolloutView act(String rolloutId, String action) {
        RolloutTransition transition = RolloutTransition.operatorAction(action);
        if (transition == RolloutTransition.START) {
            return start(rolloutId, new Start(false, null, null));
        }
        QuarkusTransaction.requiringNew().run(() -> guard(lockExisting(rolloutId), transition));
        settle(rolloutId);
        return queries.get(rolloutId);
    }

    /**
     * An approver's {@code decision} ({@link RolloutTransition#APPROVE} or {@link RolloutTransition#DENY}) on a
     * rollout that waits for approval, with their remark; {@code approver} is the caller (the token's subject).
     */
    public RolloutView decide(String rolloutId, RolloutTransition decision, String approver, String remark) {
        QuarkusTransaction.requiringNew().run(() -> {
            Rollout rollout = lockExisting(rolloutId);
            Approval.refusal(rolloutId, rollout.state, rollout.createdBy, approver, decision, remark)
                    .ifPresent(refused -> {
                        throw switch (refused.refusal()) {
                            case BAD_REMARK -> new InvalidInputException(refused.detail());
                            case NOT_WAITING -> new ConflictException(refused.detail());
                            case OWN_ROLLOUT -> new ProblemException(403, "four-eyes", "Forbidden", refused.detail());
                        };
                    });
            Instant now = Instant.now();
            String note = remark == null || remark.isBlank() ? "" : ": " + remark.strip();
            rollout.approvalDecidedBy = approver;
            rollout.approvalDecidedAt = now;
            rollout.approvalRemark = remark == null || remark.isBlank() ? null : remark.strip();
            rollout.moveTo(decision, (decision == RolloutTransition.APPROVE ? "approved by " : "denied by ")
                    + approver + note, now);
            metrics.rolloutReached(rollout.state);
            changed.fire(new RolloutChanged(rolloutId));
        });
        settle(rolloutId);
        return queries.get(rolloutId);
    }

    /**
     * Hides a finished rollout from the default list and has the fleet view forget it (its status records are
     * deleted from the topic); archiving it again changes nothing.
     */
    public RolloutView archive(String rolloutId) {
        QuarkusTransaction.requiringNew().run(() -> {
            Rollout rollout = lockExisting(rolloutId);
            if (!rollout.state.isFinished()) {
                throw new ConflictException("cannot archive rollout " + rolloutId + ": it is " + rollout.state
                        + ", and only a finished rollout (COMPLETED, CANCELLED or APPROVAL_DENIED) is archived");
            }
            if (rollout.archivedAt == null) {
                rollout.archivedAt = Instant.now();
                archived.fire(new RolloutArchived(rolloutId));
            }
        });
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

    private static Rollout lockExisting(String rolloutId) {
        Rollout rollout = Rollout.lock(rolloutId);
        if (rollout == null) {
            throw new NotFoundException("rollout " + rolloutId + " does not exist");
        }
        return rollout;
    }

    private void guard(Rollout rollout, RolloutTransition transition) {
        String rolloutId = rollout.id;
        if (!transition.appliesTo(rollout.state)) {
            throw new ConflictException(transition.refusal(rolloutId, rollout.state));
        }
        if (transition == RolloutTransition.RESUME && rollout.state == RolloutState.PAUSED_ON_ERRORS) {
            rollout.failuresAcknowledged = RolloutSubnet.totals(rolloutId).failed;
        }
        String reason = REASONS.get(transition);
        if (transition == RolloutTransition.RETRY_FAILED) {
            reason = retryFailed(rollout);
        } else if (transition == RolloutTransition.START && rollout.forcedStart != null) {
            reason += ", " + rollout.forcedStart;
        }
        rollout.moveTo(transition, reason, Instant.now());
        if (rollout.state == RolloutState.RUNNING) {
            RolloutSubnet.requestPlanning(rolloutId);
        }
        metrics.rolloutReached(rollout.state);
        changed.fire(new RolloutChanged(rolloutId));
    }

    /** A new attempt for every FAILED device; the reason the rollout runs again. */
    private String retryFailed(Rollout rollout) {
        List<RolloutSubnet.Key> failing = RolloutSubnet.ofRollout(rollout.id).stream()
                .filter(subnet -> subnet.counts.failed > 0).map(RolloutSubnet::key).toList();
        if (failing.isEmpty()) {
            throw new ConflictException("rollout " + rollout.id + " has no FAILED devices to retry");
        }
        Instant now = Instant.now();
        int retried = RolloutSubnet.lock(failing, List.of()).values().stream()
                .mapToInt(subnet -> subnets.retryFailed(rollout, subnet, now)).sum();
        rollout.failuresAcknowledged = 0;
        rollout.finishedAt = null;
        if (rollout.archivedAt != null) {
            // Its status records were deleted from the topic at the archive: every subnet's goes out again.
            RolloutSubnet.forgetPublished(rollout.id);
            rollout.archivedAt = null;
        }
        return "retrying " + retried + " failed device" + (retried == 1 ? "" : "s") + ", by operator";
    }

    /** The request on its own: versions, policy, approval, and the package in the repository. */
    private void validate(RolloutRequest request) {
        try {
            // The repository's own rule, before the name reaches a query (PostgreSQL refuses a NUL with a 500).
            AppManifest.requireAppName(request.app());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        if (config.approval().required() && Boolean.FALSE.equals(request.approvalRequired())) {
            throw new InvalidInputException("approvalRequired cannot be false here: peerlift.rollout.approval.required"
                    + " is set, so every rollout waits for an approver");
        }
        OsVersion target = parseVersion("version", request.version());
        if (target.isBelow(OsVersion.MIN_OS12_TARGET)) {
            throw new InvalidInputException("target version " + request.version() + " is below "
                    + OsVersion.MIN_OS12_TARGET + ", the oldest OS 12 that can be rolled out and serve as a peer");
        }
        OsVersion minSource = parseVersion("minSourceVersion", request.minSourceVersionOrDefault());
        if (minSource.isBelow(OsVersion.MIN_OS11_SOURCE)) {
            throw new InvalidInputException("minSourceVersion " + request.minSourceVersion() + " is below "
                    + OsVersion.MIN_OS11_SOURCE + ", the oldest IGEL OS 11 that can upgrade from a peer");
        }
        if (!minSource.isBelow(target)) {
            throw new InvalidInputException("minSourceVersion " + request.minSourceVersion()
                    + " must be below the target version " + request.version());
        }
        RolloutRequest.Window window = request.maintenanceWindow();
        if (window != null) {
            try {
                MaintenanceWindow.parse(window.schedule(), window.duration(), window.timeZone());
            } catch (MaintenanceWindow.Invalid e) {
                throw new InvalidInputException(e.violations());
            }
        }
        if (request.sourcePolicyOrDefault() == SourcePolicy.WAN_SEED) {
            throw new InvalidInputException("sourcePolicy must be PEER_THEN_WAN or PEER_ONLY; WAN_SEED is chosen "
                    + "by the scheduler for the wanSeedsPerSubnet seeds of a subnet without a peer");
        }
    }

    /** The gate's verdict: a refusal thrown as its problem, or what a forced start went past (null if nothing). */
    private static String passGate(StartGate.Facts facts, StartGate.Request request) {
        StartGate.Verdict verdict = StartGate.decide(facts, request);
        if (verdict instanceof StartGate.Refused refused) {
            throw switch (refused.refusal()) {
                case UNKNOWN_FOLDER -> new NotFoundException(refused.detail());
                case FORCE_WITHOUT_REASON -> new InvalidInputException(refused.detail());
                case EMPTY_FOLDER, OVERLAPPING_ROLLOUT, CONSISTENCY_ERRORS -> new ConflictException(refused.detail());
            };
        }
        return ((StartGate.Allowed) verdict).forcedPast();
    }

    private String persist(RolloutRequest request, Optional<StartGate.FolderReport> folder, Start start,
                           String creator) {
        AppPackage pkg = AppPackage.find(request.app(), request.version()).orElseThrow(() ->
                new InvalidInputException("app " + request.app() + " version " + request.version()
                        + " is not in the repository; upload it first with PUT /api/apps/" + request.app() + "/"
                        + request.version()));
        Rollout.lockStarts();
        StartGate.Facts facts = new StartGate.Facts(request.folderId(), folder,
                inventory.countInFolderTree(request.folderId()), Rollout.unfinishedOverlapping(request.folderId(), null));
        String forcedStart = passGate(facts, new StartGate.Request(request.startOrDefault(), start.force(),
                start.reason()));
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
        rollout.distribution = request.distributionOrDefault();
        rollout.maxSwarmPerSubnet = request.maxSwarmPerSubnetOrDefault();
        rollout.maxConcurrentWanDownloads = request.maxConcurrentWanDownloadsOrDefault();
        rollout.errorThresholdPercent = request.errorThresholdPercentOrDefault();
        rollout.retryLimit = request.retryLimitOrDefault();
        rollout.deviceTimeoutSeconds = request.deviceTimeoutSecondsOrDefault();
        rollout.startWhenReady = request.startOrDefault();
        rollout.approvalRequired = request.approvalRequiredOr(config.approval().required());
        rollout.createdBy = creator;
        if (request.maintenanceWindow() != null) {
            MaintenanceWindow window = MaintenanceWindow.parse(request.maintenanceWindow().schedule(),
                    request.maintenanceWindow().duration(), request.maintenanceWindow().timeZone());
            rollout.windowSchedule = window.schedule();
            rollout.windowDuration = window.durationText();
            rollout.windowTimeZone = window.zone().getId();
        }
        rollout.forcedStart = forcedStart;
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
