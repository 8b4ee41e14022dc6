package io.peerlift.device.agent;

import io.peerlift.device.domain.DeviceState;
import io.peerlift.device.domain.DeviceView;
import io.peerlift.device.domain.ServingPolicy;
import io.peerlift.device.peer.VerifiedChunks;
import io.peerlift.device.domain.UpgradeEligibility;
import io.peerlift.device.download.StoredPackage;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.OsVersion;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.TrustedReleaseKeys;
import io.peerlift.events.Subnet;
import io.vertx.core.Future;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One endpoint device: who it is, what it runs and holds, and what it is doing. It takes its commands and
 * configuration, starts an {@link UpgradeJob} for an Upgrade it accepts, and keeps its {@link DeviceServing} in line
 * with {@link ServingPolicy}. Its events go through {@link DeviceEvents}, with a seq that rises across restarts.
 * An idle device is this object, its state file's fields and its configuration: a few KiB, no thread, no socket.
 */
public final class Device {

    private static final Logger LOG = Logger.getLogger(Device.class);

    private final String id;
    private final String ip;
    private final Subnet subnet;
    private final Path dir;
    private final DeviceContext context;
    private final DeviceStateFile state;
    private final boolean provisionedAsPeer;
    private final DeviceEvents events;
    private final DeviceServing serving;

    private volatile DeviceConfig config;
    /**
     * What the device serves: the held apps whose release signature verifies against its trusted keys, with that
     * signature. Rebuilt when it holds something new, read by the peer server and discovery without a lock.
     */
    private volatile Vouched vouched = new Vouched(List.of(), Map.of());
    private volatile DeviceState lifecycle = DeviceState.IDLE;
    private volatile DeviceView.DownloadView download;
    private volatile boolean stopping;
    /** Volatile as well as guarded by this: the peer server reads its partial package from the event loop. */
    private volatile UpgradeJob job;
    /** The next attempt, received while the job of its cancelled attempt was still ending: it starts after it. */
    private DeviceCommand.Upgrade afterCancelled;

    /**
     * @param dir               the device's own directory (state file, chunk records)
     * @param provisionedAsPeer whether the peer server runs before any effective configuration arrives
     */
    public Device(String id, String ip, Subnet subnet, String initialOsVersion, Path dir, boolean provisionedAsPeer,
                  DeviceContext context) {
        if (!subnet.contains(ip)) {
            throw new IllegalArgumentException("device " + id + " address " + ip + " is outside its subnet " + subnet);
        }
        OsVersion.parse(initialOsVersion);
        this.id = id;
        this.ip = ip;
        this.subnet = subnet;
        this.dir = dir;
        this.context = context;
        this.provisionedAsPeer = provisionedAsPeer;
        this.state = DeviceStateFile.load(dir, initialOsVersion, context.clock().millis());
        this.config = state.config().orElse(null);
        this.events = new DeviceEvents(id, subnet, state, context.events(), context.clock());
        this.serving = new DeviceServing(id, ip, subnet, context, events, () -> vouched.apps(), this::servable);
        vouchForHeld();
    }

    /** The held apps a trusted key signed, with their signatures (by manifest identity). */
    private record Vouched(List<AppRef> apps, Map<String, ReleaseSignature> signatures) {
    }

    /**
     * Checks the signature of every held app against the keys the device trusts now: an app held without one (from
     * before signatures) or signed by a key no longer trusted stays installed but is not served.
     */
    private synchronized void vouchForHeld() {
        List<AppRef> apps = new ArrayList<>();
        Map<String, ReleaseSignature> signatures = new HashMap<>();
        for (AppRef app : state.apps()) {
            try {
                ReleaseSignature signature = state.signature(app).orElse(null);
                context.releaseKeys().verify(app, signature);
                apps.add(app);
                signatures.put(app.manifestSha256(), signature);
            } catch (TrustedReleaseKeys.UntrustedReleaseException untrusted) {
                LOG.warnf("%s does not serve %s %s: %s", id, app.app(), app.version(), untrusted.getMessage());
            }
        }
        vouched = new Vouched(List.copyOf(apps), Map.copyOf(signatures));
    }

    public String id() {
        return id;
    }

    public String ip() {
        return ip;
    }

    public Subnet subnet() {
        return subnet;
    }

    public String osVersion() {
        return state.osVersion();
    }

    public DeviceState state() {
        return lifecycle;
    }

    public List<AppRef> apps() {
        return state.apps();
    }

    DeviceContext context() {
        return context;
    }

    Path dir() {
        return dir;
    }

    /** Announces the device and starts serving if it should. */
    public void start() {
        announce();
        reconcileServing("configuration");
    }

    /**
     * The periodic announcement. It first brings serving in line with the configuration again, so a peer server
     * that could not bind its port (still held by a previous process, say) is retried.
     */
    public void heartbeat() {
        reconcileServing("configuration");
        if (events.hasRoom()) { // else the outbox is full: a heartbeat only repeats what waits in it
            announce();
        }
    }

    /**
     * Resumes the Upgrade the device accepted and had not finished when it stopped (a crash or a shutdown): from its
     * verified chunks, or straight to its confirmation when the new OS already runs. One that expired meanwhile is
     * forgotten: its rollout gave up on that attempt and sends another.
     */
    public void resumeUnfinished() {
        state.unfinished().ifPresent(command -> {
            if (command.expiredAt(context.clock().instant())) {
                LOG.infof("%s forgets its unfinished upgrade %s/%d: it expired at %s", id, command.commandId(),
                        command.attempt(), command.expiresAt());
                state.finished(command.rolloutId());
                return;
            }
            LOG.infof("%s resumes its upgrade %s/%d to %s %s", id, command.commandId(), command.attempt(),
                    command.app(), command.version());
            startUpgrade(command);
        });
    }

    /** Stops serving and any running download (its verified chunks stay on disk, its command is resumed). */
    public void stop() {
        stopping = true;
        UpgradeJob running;
        synchronized (this) {
            running = job;
        }
        serving.stop("shutdown");
        if (running != null) {
            running.cancel();
        }
    }

    /**
     * Holds a package from the start (an initial peer provisioned with the app) with its release signature.
     *
     * @throws TrustedReleaseKeys.UntrustedReleaseException when no key the device trusts signed it; nothing is held
     */
    public void provision(StoredPackage pkg, ReleaseSignature signature) {
        AppRef app = AppRef.of(pkg.manifest());
        context.releaseKeys().verify(app, signature);
        state.hold(app, signature);
        vouchForHeld();
    }

    /** Tells the fleet who the device is, what it holds and whether it serves. */
    public void announce() {
        events.emit((eventId, deviceId, cidr, at, seq, epoch) -> new DeviceEvent.DeviceAnnounced(eventId, deviceId, cidr, at,
                seq, epoch, ip, state.osVersion(), state.apps(), peerServerState()));
    }

    public void accept(DeviceConfig newConfig) {
        DeviceConfig current = config;
        if (current != null && newConfig.revision() <= current.revision()) {
            return;
        }
        config = newConfig;
        state.config(newConfig);
        reconcileServing("configuration");
    }

    /**
     * Takes a command once: an expired one (its rollout no longer waits for it, or a replay of the retained topic)
     * and a re-delivered one change nothing. An Upgrade is refused while the event outbox is full: its events
     * could not be kept, and the rollout's device timeout sends it again.
     */
    public void accept(DeviceCommand command) {
        if (command.expiredAt(context.clock().instant())) {
            LOG.debugf("%s drops command %s/%d: it expired at %s", id, command.commandId(), command.attempt(),
                    command.expiresAt());
            return;
        }
        if (command instanceof DeviceCommand.Upgrade && !events.hasRoom()) {
            LOG.warnf("%s refuses Upgrade %s/%d: its event outbox is full (the broker has been away too long)", id,
                    command.commandId(), command.attempt());
            return;
        }
        String key = DeviceStateFile.key(command);
        if (state.handled(key)) {
            LOG.debugf("%s ignores re-delivered command %s/%d", id, command.commandId(), command.attempt());
            return;
        }
        // Marked handled only once acted on: an Upgrade whose job starts is marked with its record as unfinished
        // (one write), so a crash in between leaves either both or neither.
        if (command instanceof DeviceCommand.Upgrade upgrade) {
            startUpgrade(upgrade);
        } else {
            cancel(command.rolloutId(), command.attempt());
        }
        state.markHandled(key);
    }

    private void startUpgrade(DeviceCommand.Upgrade command) {
        UpgradeReport report = new UpgradeReport(command, events, this, context.metrics());
        Optional<String> refusal = UpgradeEligibility.refusal(osVersion(), isBaseSystem(command.app()), command,
                context.releaseKeys());
        if (refusal.isPresent()) {
            events.emit((eventId, deviceId, cidr, at, seq, epoch) -> new DeviceEvent.UpgradeFailed(eventId, deviceId, cidr,
                    at, seq, epoch, command.rolloutId(), command.commandId(), command.attempt(), command.app(),
                    command.version(), refusal.get()));
            state.finished(command.rolloutId());
            return;
        }
        if (isBaseSystem(command.app()) && OsVersion.parse(osVersion()).equals(OsVersion.parse(command.version()))
                && holds(command.app(), command.version(), command.manifestSha256())) {
            // Already there (e.g. a command replayed after a restart): confirm instead of downloading again.
            report.upgradeCompleted(osVersion(), 0, 0);
            state.finished(command.rolloutId());
            return;
        }
        UpgradeJob started;
        synchronized (this) {
            if (job != null) {
                if (job.cancelled() && job.rolloutId().equals(command.rolloutId())) {
                    afterCancelled = command; // a fresh job, once the cancelled one let go of the package
                    state.unfinished(command);
                } else if (job.rolloutId().equals(command.rolloutId())) {
                    job.answer(command); // a new attempt of the running upgrade: it carries on and answers this one
                    state.unfinished(job.answering());
                } else {
                    String busyWith = job.rolloutId();
                    events.emit((eventId, deviceId, cidr, at, seq, epoch) -> new DeviceEvent.UpgradeFailed(eventId, deviceId,
                            cidr, at, seq, epoch, command.rolloutId(), command.commandId(), command.attempt(), command.app(),
                            command.version(), "the device is busy with the upgrade of rollout " + busyWith));
                }
                return;
            }
            started = new UpgradeJob(this, command, report);
            job = started;
        }
        state.unfinished(command);
        started.run().onComplete(ended -> jobEnded(started));
    }

    /** Cancels the rollout's job if it answers {@code attempt} or an earlier one (never a newer attempt). */
    private void cancel(String rolloutId, int attempt) {
        UpgradeJob running;
        synchronized (this) {
            running = job;
        }
        if (running != null && running.rolloutId().equals(rolloutId) && running.answering().attempt() <= attempt) {
            running.cancel();
        }
    }

    private void jobEnded(UpgradeJob ended) {
        DeviceCommand.Upgrade next;
        synchronized (this) {
            if (job == ended) {
                job = null;
            }
            next = afterCancelled;
            afterCancelled = null;
        }
        if (stopping) {
            return;
        }
        reconcileServing("download ended"); // a failed swarm download stops serving its partial package
        if (next != null) {
            startUpgrade(next);
        } else {
            state.finished(ended.rolloutId());
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** Reports the uploads gathered since the last report now, without waiting for the interval to end. */
    void reportUploads() {
        serving.reportUploads();
    }

    /** A swarming download verified its first chunk: the device serves what it verified from now on. */
    void swarming() {
        reconcileServing("configuration");
    }

    boolean isBaseSystem(String app) {
        return context.config().baseSystemApp().equals(app);
    }

    private boolean holds(String app, String version, String manifestSha256) {
        return state.apps().stream().anyMatch(a -> a.app().equals(app) && a.version().equals(version)
                && a.manifestSha256().equals(manifestSha256));
    }

    void lifecycle(DeviceState next) {
        lifecycle = next;
    }

    void download(DeviceView.DownloadView progress) {
        download = progress;
    }

    /**
     * Records a package whose every chunk this device verified (blocking: the state file); completes once serving
     * follows (with {@code serve-before-reboot}, the peer server is up).
     */
    Future<Void> hold(AppRef app, ReleaseSignature signature) {
        state.hold(app, signature);
        vouchForHeld();
        return reconcileServing("configuration");
    }

    void switchOsVersion(String version) {
        state.osVersion(version);
    }

    /** The reboot: the peer server goes down with the device and comes back as the configuration says. */
    void reboot() {
        lifecycle = DeviceState.REBOOTING;
        reconcileServing("reboot");
    }

    int discoveryPort() {
        return ServingPolicy.discoveryPort(config, defaults());
    }

    boolean discoveryEnabled() {
        return ServingPolicy.discoveryEnabled(config);
    }

    boolean httpDownloadAllowed() {
        return ServingPolicy.httpDownloadAllowed(config);
    }

    boolean wanWithoutDiscovery() {
        return ServingPolicy.wanWithoutDiscovery(config);
    }

    private ServingPolicy.Defaults defaults() {
        return new ServingPolicy.Defaults(context.config().peerServerPort(), context.config().peerServerLimit(),
                context.config().discoveryPort(), context.config().serveBeforeReboot(),
                context.config().peerServerHttpsPort());
    }

    private Future<Void> reconcileServing(String stopReason) {
        UpgradeJob running = job;
        return serving.reconcile(ServingPolicy.desired(osVersion(), !vouched.apps().isEmpty(),
                running != null && running.swarming(), lifecycle == DeviceState.REBOOTING, provisionedAsPeer, config, defaults()), stopReason);
    }

    public PeerServerState peerServerState() {
        return serving.state(ServingPolicy.port(config, defaults()));
    }

    /**
     * Complete packages this device verified (or was provisioned with) and a trusted key signed, and the verified
     * chunks of the package it is swarming, each with its release signature.
     */
    private Optional<ServedPackage> servable(String app, String version) {
        Vouched now = vouched;
        Optional<ServedPackage> held = now.apps().stream()
                .filter(a -> a.app().equals(app) && a.version().equals(version))
                .findFirst()
                .flatMap(a -> context.store().find(a.manifestSha256())
                        .filter(StoredPackage::isComplete)
                        .map(pkg -> pkg.served(VerifiedChunks.ALL, now.signatures().get(a.manifestSha256()))));
        UpgradeJob running = job;
        return held.isPresent() || running == null ? held : running.partial(app, version);
    }

    public DeviceView view() {
        return new DeviceView(id, ip, subnet.toString(), osVersion(), lifecycle, apps(), peerServerState(), download);
    }
}
