package io.peerlift.device.agent;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.domain.Backoff;
import io.peerlift.device.domain.DeviceState;
import io.peerlift.device.download.DownloadTask;
import io.peerlift.device.download.StoredPackage;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.TrustedReleaseKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * One commanded upgrade on one device, as scheduled work: the {@link DownloadTask}, then the install and, for the
 * base system, the OS switch and the reboot, each a timer. Nothing sleeps: an upgrade in progress holds no thread.
 */
final class UpgradeJob {

    private static final Logger LOG = Logger.getLogger(UpgradeJob.class);

    private final Device device;
    /** What to fetch: the first command; a later attempt of the same rollout asks for the same package. */
    private final DeviceCommand.Upgrade command;
    private final UpgradeReport report;
    private final DownloadTask download;
    private final Context context;
    private volatile boolean cancelled;

    UpgradeJob(Device device, DeviceCommand.Upgrade command, UpgradeReport report) {
        this.device = device;
        this.command = command;
        this.report = report;
        DeviceContext shared = device.context();
        DeviceServiceConfig config = shared.config();
        this.context = shared.newJobContext();
        this.download = new DownloadTask(shared.vertx(), context, shared.discoveryClient(), shared.payloads(), shared.store(),
                shared.releaseKeys(), command, new DownloadTask.Setup(device.id(), device.ip(), device.subnet(),
                device.discoveryPort(), device.discoveryEnabled(), device.httpDownloadAllowed(),
                device.wanWithoutDiscovery(), device.dir(), config.discoveryWindow(),
                new Backoff(config.discoveryBackoff(), config.discoveryBackoffMax()), config.wanFallbackAfterRounds(),
                config.wanFallbackAfterSilence(),
                config.wanAttempts(), config.progressInterval(), config.swarm()), report);
    }

    String rolloutId() {
        return command.rolloutId();
    }

    void answer(DeviceCommand.Upgrade newer) {
        report.answer(newer);
    }

    /** The attempt the job answers now: the newest it received. */
    DeviceCommand.Upgrade answering() {
        return report.answering();
    }

    /** True while a swarming download has verified chunks to serve. */
    boolean swarming() {
        return download.firstChunk().succeeded();
    }

    /** The verified chunks of the package being swarmed, when {@code app} {@code version} is it. */
    Optional<ServedPackage> partial(String app, String version) {
        return command.app().equals(app) && command.version().equals(version) && download.firstChunk().succeeded()
                ? download.partial() : Optional.empty();
    }

    /** Stops the download; an install already begun completes. */
    void cancel() {
        cancelled = true;
        download.cancel();
    }

    /** Cancelled: it ends soon and takes no newer attempt. */
    boolean cancelled() {
        return cancelled;
    }

    /** Runs the upgrade; completes when it ended, whichever way (it reports its own failures). */
    Future<Void> run() {
        device.lifecycle(DeviceState.DISCOVERING);
        download.firstChunk().onSuccess(v -> device.swarming());
        return download.start()
                .compose(this::downloaded)
                .compose(held -> install())
                .recover(failure -> {
                    if (device.stopping()) {
                        // Stopped by the device's shutdown, not failed: it resumes when the device starts again.
                        return Future.succeededFuture();
                    }
                    device.lifecycle(DeviceState.FAILED);
                    boolean expected = failure instanceof DownloadTask.Failure
                            || failure instanceof TrustedReleaseKeys.UntrustedReleaseException;
                    String reason = expected ? failure.getMessage()
                            : failure.getClass().getSimpleName() + ": " + failure.getMessage();
                    if (!expected) {
                        LOG.errorf(failure, "%s: upgrade to %s %s failed", device.id(), command.app(), command.version());
                    }
                    report.downloadFailed(reason, download.verifiedBytes());
                    return Future.succeededFuture();
                });
    }

    private Future<Void> downloaded(StoredPackage pkg) {
        // The command's signature was checked over the identity this manifest hashes to; check it over the manifest
        // itself too before the package counts as held, so what is installed and served is exactly what was signed.
        device.context().releaseKeys().verify(pkg.manifest(), command.signature());
        device.reportUploads(); // what it served while it swarmed is told before it holds the package
        report.downloadCompleted(pkg.manifest().size());
        AppRef app = AppRef.of(pkg.manifest());
        return context.executeBlocking(() -> device.hold(app, command.signature())).compose(serving -> serving);
    }

    private Future<Void> install() {
        String from = device.osVersion();
        device.lifecycle(DeviceState.INSTALLING);
        report.upgradeStarted(from);
        long installStart = System.nanoTime();
        DeviceServiceConfig config = device.context().config();
        return after(config.installDuration()).compose(v -> {
            long rebootStart = System.nanoTime();
            long installMillis = Duration.ofNanos(rebootStart - installStart).toMillis();
            if (!device.isBaseSystem(command.app())) {
                return finish(installMillis, 0);
            }
            return context.<Void>executeBlocking(() -> {
                        device.switchOsVersion(command.version());
                        return null;
                    })
                    .compose(switched -> {
                        device.reboot();
                        return after(config.rebootDelay());
                    })
                    .compose(rebooted -> finish(installMillis,
                            Duration.ofNanos(System.nanoTime() - rebootStart).toMillis()));
        });
    }

    private Future<Void> finish(long installMillis, long rebootMillis) {
        device.lifecycle(DeviceState.IDLE);
        report.upgradeCompleted(device.osVersion(), installMillis, rebootMillis);
        device.start();
        return Future.succeededFuture();
    }

    private Future<Void> after(Duration delay) {
        Promise<Void> elapsed = Promise.promise();
        context.runOnContext(v -> device.context().vertx().setTimer(Math.max(1, delay.toMillis()), t -> elapsed.complete()));
        return elapsed.future();
    }
}
