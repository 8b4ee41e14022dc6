package io.peerlift.rollout.service;

import io.peerlift.events.OsVersion;
import io.peerlift.events.RolloutStatus.SubnetStatus;
import io.peerlift.events.SourcePolicy;
import io.peerlift.rollout.domain.AppPackage;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Creating rollouts and reading them. */
@ApplicationScoped
public class RolloutService {

    private final Membership membership;
    private final RolloutLifecycle lifecycle;
    private final StatusSnapshots snapshots;

    RolloutService(Membership membership, RolloutLifecycle lifecycle, StatusSnapshots snapshots) {
        this.membership = membership;
        this.lifecycle = lifecycle;
        this.snapshots = snapshots;
    }

    /** Validates the request against the repository, takes in the folder's devices and starts if asked. */
    @Transactional
    public RolloutView create(RolloutRequest request) {
        OsVersion target = parseVersion("version", request.version());
        if (target.isBelow(OsVersion.MIN_OS12_TARGET)) {
            throw ProblemException.badRequest("target version " + request.version() + " is below "
                    + OsVersion.MIN_OS12_TARGET + ", the oldest OS 12 that can be rolled out and serve as a peer");
        }
        parseVersion("minSourceVersion", request.minSourceVersionOrDefault());
        if (request.sourcePolicyOrDefault() == SourcePolicy.WAN_SEED) {
            throw ProblemException.badRequest("sourcePolicy must be PEER_THEN_WAN or PEER_ONLY; WAN_SEED is chosen "
                    + "by the scheduler for the wanSeedsPerSubnet seeds of a subnet without a peer");
        }
        AppPackage pkg = AppPackage.find(request.app(), request.version()).orElseThrow(() ->
                ProblemException.badRequest("app " + request.app() + " version " + request.version()
                        + " is not in the repository; upload it first with PUT /api/apps/" + request.app() + "/"
                        + request.version()));
        Rollout rollout = new Rollout();
        rollout.id = UUID.randomUUID().toString();
        rollout.folderId = request.folderId();
        rollout.app = pkg.app;
        rollout.version = pkg.version;
        rollout.manifestSha256 = pkg.manifestSha256;
        rollout.packageBytes = pkg.size;
        rollout.minSourceVersion = request.minSourceVersionOrDefault();
        rollout.sourcePolicy = request.sourcePolicyOrDefault();
        rollout.wanSeedsPerSubnet = request.wanSeedsPerSubnetOrDefault();
        rollout.maxConcurrentWanDownloads = request.maxConcurrentWanDownloadsOrDefault();
        rollout.errorThresholdPercent = request.errorThresholdPercentOrDefault();
        rollout.retryLimit = request.retryLimitOrDefault();
        rollout.deviceTimeoutSeconds = request.deviceTimeoutSecondsOrDefault();
        rollout.state = RolloutState.CREATED;
        rollout.stateReason = "created";
        rollout.createdAt = Instant.now();
        rollout.persist();
        for (Device device : Device.inFolderTree(request.folderId())) {
            membership.refresh(rollout, device);
        }
        if (request.startOrDefault()) {
            return snapshots.view(lifecycle.apply(rollout.id, RolloutLifecycle.Action.START));
        }
        lifecycle.checkProgress(rollout, rollout.createdAt);
        return snapshots.view(rollout);
    }

    @Transactional
    public List<RolloutView> list() {
        return Rollout.<Rollout>list("order by createdAt desc").stream().map(snapshots::view).toList();
    }

    @Transactional
    public RolloutView get(String id) {
        return snapshots.view(require(id));
    }

    @Transactional
    public List<SubnetStatus> subnets(String id) {
        return snapshots.subnets(require(id));
    }

    @Transactional
    public List<DeviceView> devices(String id, String state) {
        require(id);
        if (state == null || state.isBlank()) {
            return RolloutDevice.ofRollout(id).stream().map(DeviceView::of).toList();
        }
        DeviceState wanted;
        try {
            wanted = DeviceState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("state '" + state + "' is not a device state; use one of "
                    + EnumSet.allOf(DeviceState.class));
        }
        return RolloutDevice.ofRollout(id, EnumSet.of(wanted)).stream().map(DeviceView::of).toList();
    }

    @Transactional
    public RolloutView act(String id, RolloutLifecycle.Action action) {
        return snapshots.view(lifecycle.apply(id, action));
    }

    /**
     * Charges repository bytes to the rollout they were served for: the one open rollout of that app version.
     * With none or several open, the bytes are only counted in the metric.
     */
    @Transactional
    public void chargeRepositoryBytes(String app, String version, long bytes) {
        Rollout.update("repositoryBytes = repositoryBytes + ?1 where app = ?2 and version = ?3 and state in ?4"
                        + " and (select count(o) from Rollout o where o.app = ?2 and o.version = ?3 and o.state in ?4) = 1",
                bytes, app, version, RolloutState.open());
    }

    private static Rollout require(String id) {
        Rollout rollout = Rollout.findById(id);
        if (rollout == null) {
            throw ProblemException.notFound("rollout " + id + " does not exist");
        }
        return rollout;
    }

    private static OsVersion parseVersion(String field, String text) {
        try {
            return OsVersion.parse(text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field + ": " + e.getMessage());
        }
    }
}
