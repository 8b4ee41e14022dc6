package io.peerlift.device.domain;

import io.peerlift.device.domain.ContentStore.StoredApp;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.Subnet;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One endpoint device: its identity, OS version and held apps, its peer update server and discovery responder,
 * and its upgrade. Commands and configuration arrive from Kafka; everything the device does is published as an
 * event whose seq rises by one per device, across restarts.
 * <p>
 * Serving follows the effective configuration ({@code update.peer_server.*}) of an OS 12 device that holds a
 * verified app. Until the first configuration arrives a device uses its provisioned default: initial peers of a
 * fleet are provisioned as serving (that is what makes them initial peers), everything else is not, as on IGEL OS
 * where the peer server is off until a profile enables it. With {@code serveBeforeReboot} a device serves as soon as
 * it holds a verified package, even before its upgrade.
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

    private volatile DeviceConfig config;
    private volatile DeviceState lifecycle = DeviceState.IDLE;
    private volatile DeviceView.DownloadView download;
    private volatile Upload server;
    private DiscoveryHub.Registration responder;
    private ServingSpec serving;
    private UpgradeJob job;

    /** The device's peer server while it serves: what it serves with, and its place on a listener. */
    private record Upload(ServedDevice device, PeerServers.Serving serving) {
        int port() {
            return serving.port();
        }
    }

    /** What the peer server and discovery responder run with; a change restarts them. */
    private record ServingSpec(int port, int capacity, int discoveryPort, boolean answerDiscovery) {
    }

    /**
     * @param dir               the device's own directory (state file, partial downloads)
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
        this.state = DeviceStateFile.load(dir, initialOsVersion);
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

    Path downloadsDir() {
        return dir.resolve("downloads");
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
        announce();
    }

    /** Stops serving and any running download (its verified chunks stay on disk). */
    public void stop() {
        UpgradeJob running;
        synchronized (this) {
            running = job;
            stopServing("shutdown");
        }
        if (running != null) {
            running.cancel();
        }
    }

    /** Imports a package this device holds from the start (an initial peer provisioned with the app). */
    public void provision(StoredApp app) {
        state.hold(new AppRef(app.manifest().app(), app.manifest().version(), app.manifest().manifestSha256()));
    }

    /** Tells the fleet who the device is, what it holds and whether it serves. */
    public void announce() {
        emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.DeviceAnnounced(eventId, deviceId, cidr, at, seq,
                ip, state.osVersion(), state.apps(), peerServerState()));
    }

    public void accept(DeviceConfig newConfig) {
        DeviceConfig current = config;
        if (current != null && newConfig.revision() <= current.revision()) {
            return;
        }
        config = newConfig;
        reconcileServing("configuration");
    }

    public void accept(DeviceCommand command) {
        String key = command.commandId() + "/" + (command instanceof DeviceCommand.Upgrade u ? u.attempt() : 0);
        if (!state.markHandled(key)) {
            LOG.debugf("%s ignores re-delivered command %s", id, key);
            return;
        }
        if (command instanceof DeviceCommand.Upgrade upgrade) {
            startUpgrade(upgrade);
        } else {
            cancel(command.rolloutId());
        }
    }

    private void startUpgrade(DeviceCommand.Upgrade command) {
        Optional<String> refusal = refusalOf(command);
        if (refusal.isPresent()) {
            emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.UpgradeFailed(eventId, deviceId, cidr, at, seq,
                    command.rolloutId(), command.commandId(), command.attempt(), command.app(), command.version(),
                    refusal.get()));
            return;
        }
        if (isBaseSystem(command.app()) && OsVersion.parse(osVersion()).equals(OsVersion.parse(command.version()))
                && holds(command.app(), command.version(), command.manifestSha256())) {
            // Already there (e.g. a command replayed after a restart): confirm instead of downloading again.
            emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.UpgradeCompleted(eventId, deviceId, cidr, at,
                    seq, command.rolloutId(), command.commandId(), command.attempt(), command.app(), command.version(),
                    osVersion(), 0, 0));
            return;
        }
        synchronized (this) {
            if (job == null) {
                job = new UpgradeJob(this, command);
                context.workers().execute(job);
            } else if (!job.rolloutId().equals(command.rolloutId())) {
                String busyWith = job.rolloutId();
                emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.UpgradeFailed(eventId, deviceId, cidr, at,
                        seq, command.rolloutId(), command.commandId(), command.attempt(), command.app(),
                        command.version(), "the device is busy with the upgrade of rollout " + busyWith));
            } else {
                // A new attempt of the rollout whose upgrade is running: that upgrade carries on and answers it.
                job.answer(command);
            }
        }
    }

    private Optional<String> refusalOf(DeviceCommand.Upgrade command) {
        OsVersion current = OsVersion.parse(osVersion());
        if (current.family() == OsFamily.OS11 && current.isBelow(OsVersion.MIN_OS11_SOURCE)) {
            return Optional.of("OS " + current + " is below " + OsVersion.MIN_OS11_SOURCE
                    + ", the oldest OS 11 that can take part in a peer upgrade");
        }
        if (isBaseSystem(command.app()) && OsVersion.parse(command.version()).isBelow(current)) {
            return Optional.of("target " + command.version() + " is older than the running OS " + current);
        }
        return Optional.empty();
    }

    private void cancel(String rolloutId) {
        UpgradeJob running;
        synchronized (this) {
            running = job;
        }
        if (running != null && running.rolloutId().equals(rolloutId)) {
            running.cancel();
        }
    }

    synchronized void jobEnded(UpgradeJob ended) {
        if (job == ended) {
            job = null;
        }
    }

    boolean isBaseSystem(String app) {
        return context.settings().baseSystemApp().equals(app);
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

    void hold(AppRef app) {
        state.hold(app);
        reconcileServing("configuration");
    }

    void switchOsVersion(String version) {
        state.osVersion(version);
    }

    /** The reboot: the peer server goes down with the device and comes back as the configuration says. */
    void reboot() {
        lifecycle = DeviceState.REBOOTING;
        reconcileServing("reboot");
    }

    // ---- configuration ------------------------------------------------------------------------------------------

    int discoveryPort() {
        return setting(SettingKeys.DISCOVERY_PORT, context.settings().discoveryPort());
    }

    boolean discoveryEnabled() {
        DeviceConfig current = config;
        return current == null || current.bool(SettingKeys.DISCOVERY_ENABLED, true);
    }

    private int setting(String key, int fallback) {
        DeviceConfig current = config;
        return current == null ? fallback : current.integer(key, fallback);
    }

    private ServingSpec desiredServing() {
        if (lifecycle == DeviceState.REBOOTING || state.apps().isEmpty()) {
            return null;
        }
        boolean os12 = OsVersion.parse(osVersion()).family() == OsFamily.OS12;
        DeviceConfig current = config;
        boolean enabled = os12 && (current == null ? provisionedAsPeer
                : current.bool(SettingKeys.PEER_SERVER_ENABLED, provisionedAsPeer));
        if (!enabled && !context.settings().serveBeforeReboot()) {
            return null;
        }
        return new ServingSpec(setting(SettingKeys.PEER_SERVER_PORT, context.settings().peerServerPort()),
                setting(SettingKeys.PEER_SERVER_LIMIT, context.settings().peerServerLimit()), discoveryPort(),
                discoveryEnabled());
    }

    private synchronized void reconcileServing(String stopReason) {
        ServingSpec desired = desiredServing();
        if (desired != null && desired.equals(serving)) {
            return;
        }
        stopServing(desired == null ? stopReason : "reconfigured");
        if (desired != null) {
            startServing(desired);
        }
    }

    private void startServing(ServingSpec spec) {
        try {
            ServedDevice served = new ServedDevice(id, ip, spec.capacity(),
                    context.settings().peerServerConnectionsBeyondSlots(), context.settings().uploadRateBytesPerSecond(),
                    this::servable, this::uploaded);
            server = new Upload(served, context.peerServers().serve(served, spec.port())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            if (spec.answerDiscovery()) {
                responder = context.discoveryHub().answer(spec.discoveryPort(), id, subnet, ip, this::offer)
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.errorf(e, "%s cannot start its peer server on %s:%d", id, ip, spec.port());
            closeServing();
            return;
        }
        serving = spec;
        Upload started = server;
        emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.PeerServerStarted(eventId, deviceId, cidr, at, seq,
                ip, started.port(), started.device().slots(), state.apps()));
    }

    private void stopServing(String reason) {
        if (server == null) {
            return;
        }
        int port = server.port();
        closeServing();
        emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.PeerServerStopped(eventId, deviceId, cidr, at, seq,
                port, reason));
    }

    private void closeServing() {
        if (responder != null) {
            responder.close();
            responder = null;
        }
        if (server != null) {
            server.serving().close();
            server = null;
        }
        serving = null;
    }

    public PeerServerState peerServerState() {
        Upload running = server;
        return running == null ? PeerServerState.stopped(setting(SettingKeys.PEER_SERVER_PORT,
                context.settings().peerServerPort()))
                : new PeerServerState(true, running.port(), running.device().slots(), running.device().activeUploads());
    }

    private Optional<ServedPackage> servable(String app, String version) {
        return state.apps().stream()
                .filter(a -> a.app().equals(app) && a.version().equals(version))
                .findFirst()
                .flatMap(a -> context.store().find(a.manifestSha256()))
                .map(stored -> new ServedPackage(stored.manifest(), stored.manifestBytes(), stored.payload()));
    }

    /** Runs on the event loop: reads only the volatile server, never takes the device lock. */
    private Optional<PeerOffer> offer(String app, String version) {
        Upload running = server;
        if (running == null) {
            return Optional.empty();
        }
        return state.apps().stream()
                .filter(a -> a.app().equals(app) && a.version().equals(version))
                .findFirst()
                .map(a -> new PeerOffer(id, ip, running.port(), app, version, a.manifestSha256(),
                        running.device().activeUploads(), running.device().slots()));
    }

    private void uploaded(String toDeviceId, ServedPackage app, long bytes) {
        context.metrics().uploaded(bytes);
        emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.UploadCompleted(eventId, deviceId, cidr, at, seq,
                toDeviceId, app.manifest().app(), app.manifest().version(), bytes));
    }

    // ---- events -------------------------------------------------------------------------------------------------

    /** Builds an event from its common header; lets each call site name only its own fields. */
    @FunctionalInterface
    interface EventFactory {
        DeviceEvent create(UUID eventId, String deviceId, String subnet, Instant occurredAt, long seq);
    }

    /** Publishes under the device's lock, so seq order and publish order agree. */
    synchronized void emit(EventFactory factory) {
        DeviceEvent event = factory.create(UUID.randomUUID(), id, subnet.toString(), context.clock().instant(),
                state.nextSeq());
        try {
            context.events().publish(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s could not publish %s", id, event.getClass().getSimpleName());
        }
    }

    public DeviceView view() {
        return new DeviceView(id, ip, subnet.toString(), osVersion(), lifecycle, apps(), peerServerState(), download);
    }
}
