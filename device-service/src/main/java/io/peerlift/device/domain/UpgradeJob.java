package io.peerlift.device.domain;

import io.peerlift.device.domain.PayloadFetcher.Outcome;
import io.peerlift.events.AppManifest;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.SourcePolicy;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One commanded upgrade on one device: discover peers (or go to the repository, as the source policy says),
 * download and verify the package chunk by chunk, install, switch the OS version, reboot and announce.
 * <p>
 * Sources are tried least loaded first; a busy or vanished source hands the remaining chunks to the next, a source
 * that sent a wrong manifest or a bad chunk is banned for the rest of this download. Verified chunks stay on disk,
 * so neither a new source nor a later attempt fetches them again.
 */
final class UpgradeJob implements Runnable, PayloadFetcher.Listener {

    private static final Logger LOG = Logger.getLogger(UpgradeJob.class);

    private final Device device;
    /** What to fetch: the first command; a later attempt of the same rollout asks for the same package. */
    private final DeviceCommand.Upgrade command;
    /** The command the events answer: the newest attempt received. */
    private volatile DeviceCommand.Upgrade answering;
    private final DeviceSettings settings;
    private final PayloadFetcher fetcher;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final Set<String> bannedPeers = new HashSet<>();

    private PartialDownload download;
    private boolean started;
    /** When the first payload request went out: DownloadCompleted reports the transfer, not the discovery. */
    private long startNanos;
    private long lastProgressNanos;
    private Source current;
    private long peerBytes;
    private long wanBytes;

    UpgradeJob(Device device, DeviceCommand.Upgrade command) {
        this.device = device;
        this.command = command;
        this.answering = command;
        this.settings = device.context().settings();
        this.fetcher = new PayloadFetcher(device.context().http(), device.id(), settings.requestTimeout());
    }

    String rolloutId() {
        return command.rolloutId();
    }

    /** A newer attempt of this rollout's Upgrade arrived while the job runs: the events from now on answer it. */
    void answer(DeviceCommand.Upgrade newer) {
        if (newer.attempt() > answering.attempt()) {
            answering = newer;
        }
    }

    /** Stops the download between chunks (or a discovery backoff at once); an install already begun completes. */
    void cancel() {
        cancelled.countDown();
    }

    private boolean isCancelled() {
        return cancelled.getCount() == 0;
    }

    @Override
    public void run() {
        try {
            AppManifest manifest = download();
            if (manifest != null) {
                install();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failDownload("interrupted");
        } catch (RuntimeException | IOException e) {
            LOG.errorf(e, "%s: upgrade to %s %s failed", device.id(), command.app(), command.version());
            failDownload(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            closeDownload();
            device.jobEnded(this);
        }
    }

    private void closeDownload() {
        if (download != null) {
            try {
                download.close();
            } catch (IOException e) {
                LOG.debugf("%s: closing the partial download: %s", device.id(), e.getMessage());
            }
        }
    }

    /** Returns the verified manifest once the package is in the store, or null after reporting a failure. */
    private AppManifest download() throws InterruptedException, IOException {
        SourcePolicy policy = command.sourcePolicy();
        int round = 0;
        int emptyRounds = 0;
        int emptyStreak = 0;
        int repositoryFailures = 0;
        device.lifecycle(DeviceState.DISCOVERING);
        while (!isCancelled()) {
            boolean useRepository = policy == SourcePolicy.WAN_SEED
                    || policy == SourcePolicy.PEER_THEN_WAN && emptyRounds >= settings.wanFallbackAfterRounds();
            if (!useRepository && !device.discoveryEnabled()) {
                if (policy == SourcePolicy.PEER_ONLY) {
                    failDownload("discovery is disabled by the device configuration and the policy is PEER_ONLY");
                    return null;
                }
                useRepository = true;
            }
            List<Source> sources;
            if (useRepository) {
                sources = List.of(Source.repository(command.repositoryUrl()));
            } else {
                round++;
                List<PeerOffer> offers = discover(round);
                if (offers.isEmpty()) {
                    emptyRounds++;
                    emptyStreak++;
                    if (policy != SourcePolicy.PEER_THEN_WAN || emptyRounds < settings.wanFallbackAfterRounds()) {
                        backoff(emptyStreak);
                    }
                    continue;
                }
                emptyStreak = 0;
                // Peers that just said they are full would answer 503: wait for a slot instead of knocking.
                sources = offers.stream().filter(o -> o.freeSlots() > 0).map(Source::peer).toList();
            }
            for (Source source : sources) {
                Outcome outcome = tryFrom(source);
                if (outcome == Outcome.COMPLETE) {
                    return complete();
                }
                if (outcome == Outcome.CANCELLED) {
                    break;
                }
                if (outcome == Outcome.CORRUPT && source.kind() == DownloadSource.WAN) {
                    failDownload("the repository served bytes that do not match manifest " + command.manifestSha256());
                    return null;
                }
            }
            if (useRepository) {
                if (++repositoryFailures >= settings.wanAttempts()) {
                    failDownload("the repository " + command.repositoryUrl() + " failed " + repositoryFailures + " times");
                    return null;
                }
                backoff(repositoryFailures);
            } else {
                // Peers answered but were full, busy or went away: slots free up within a transfer, so ask again soon.
                backoff(1);
            }
        }
        failDownload("cancelled");
        return null;
    }

    /** One discovery round; returns the offers of the right package from peers not banned, least loaded first. */
    private List<PeerOffer> discover(int round) throws InterruptedException {
        device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.DiscoveryRequested(eventId, deviceId, cidr,
                at, seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), round));
        List<PeerOffer> offers = await(device.context().discoveryClient().discover(device.ip(), device.subnet(),
                device.discoveryPort(), device.id(), command.app(), command.version(), settings.discoveryWindow()));
        device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.DiscoveryAnswered(eventId, deviceId, cidr,
                at, seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), round, offers));
        return offers.stream()
                .filter(o -> o.app().equals(command.app()) && o.version().equals(command.version())
                        && o.manifestSha256().equals(command.manifestSha256()) && !bannedPeers.contains(o.peerId()))
                .toList();
    }

    private Outcome tryFrom(Source source) throws InterruptedException, IOException {
        if (download == null) {
            AppManifest manifest;
            try {
                manifest = fetcher.fetchManifest(source, command.app(), command.version(), command.manifestSha256());
            } catch (AppManifest.ManifestMismatchException e) {
                LOG.warnf("%s: %s sent a wrong manifest (%s); not using it again", device.id(), source, e.getMessage());
                device.context().metrics().rejected("manifest");
                ban(source);
                return Outcome.CORRUPT;
            } catch (IOException e) {
                LOG.debugf("%s: no manifest from %s: %s", device.id(), source, e.getMessage());
                return Outcome.UNAVAILABLE;
            }
            download = PartialDownload.open(device.downloadsDir(), manifest);
        }
        current = source;
        if (!started) {
            started = true;
            startNanos = System.nanoTime();
            device.lifecycle(DeviceState.DOWNLOADING);
            device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.DownloadStarted(eventId, deviceId, cidr,
                    at, seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), source.kind(), source.peerId(),
                    download.manifest().size()));
        }
        Outcome outcome = fetcher.fetchMissing(source, download, this, this::isCancelled);
        if (outcome == Outcome.CORRUPT) {
            LOG.warnf("%s: %s served a chunk that fails its SHA-256; not using it again", device.id(), source);
            device.context().metrics().rejected("chunk");
            ban(source);
        }
        return outcome;
    }

    private void ban(Source source) {
        if (source.peerId() != null) {
            bannedPeers.add(source.peerId());
        }
    }

    private AppManifest complete() throws IOException {
        AppManifest manifest = download.manifest();
        device.context().store().adopt(manifest, download.payloadPath());
        download.discard();
        publishProgress();
        long durationMillis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        DownloadSource mostly = wanBytes > peerBytes ? DownloadSource.WAN : DownloadSource.PEER;
        device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.DownloadCompleted(eventId, deviceId, cidr,
                at, seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), manifest.size(), mostly, peerBytes,
                wanBytes, durationMillis));
        device.hold(new AppRef(manifest.app(), manifest.version(), manifest.manifestSha256()));
        return manifest;
    }

    private void install() throws InterruptedException {
        String from = device.osVersion();
        device.lifecycle(DeviceState.INSTALLING);
        device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.UpgradeStarted(eventId, deviceId, cidr, at,
                seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), from));
        long installStart = System.nanoTime();
        Thread.sleep(settings.installDuration().toMillis());
        long rebootStart = System.nanoTime();
        if (device.isBaseSystem(command.app())) {
            device.switchOsVersion(command.version());
            device.reboot();
            Thread.sleep(settings.rebootDelay().toMillis());
        }
        long installMillis = Duration.ofNanos(rebootStart - installStart).toMillis();
        long rebootMillis = Duration.ofNanos(System.nanoTime() - rebootStart).toMillis();
        device.lifecycle(DeviceState.IDLE);
        device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.UpgradeCompleted(eventId, deviceId, cidr, at,
                seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), device.osVersion(), installMillis, rebootMillis));
        device.start();
    }

    private void failDownload(String reason) {
        device.lifecycle(DeviceState.FAILED);
        long verified = download == null ? 0 : download.verifiedBytes();
        device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.DownloadFailed(eventId, deviceId, cidr, at,
                seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), reason, verified, peerBytes, wanBytes));
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws InterruptedException {
        try {
            return future.toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Waits before the next round: exponential from the configured backoff, capped, with jitter against herds. */
    private void backoff(int attempt) throws InterruptedException {
        long base = settings.discoveryBackoff().toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(base, settings.discoveryBackoffMax().toMillis());
        long jittered = capped + ThreadLocalRandom.current().nextLong(capped / 4 + 1);
        cancelled.await(jittered, TimeUnit.MILLISECONDS);
    }

    @Override
    public void received(Source source, long bytes) {
        device.context().metrics().downloaded(source.kind(), bytes);
        if (source.kind() == DownloadSource.PEER) {
            peerBytes += bytes;
        } else {
            wanBytes += bytes;
        }
    }

    @Override
    public void verified(Source source, int chunk) {
        long now = System.nanoTime();
        if (now - lastProgressNanos >= settings.progressInterval().toNanos()) {
            lastProgressNanos = now;
            publishProgress();
        } else {
            updateView();
        }
    }

    private void publishProgress() {
        DeviceView.DownloadView view = updateView();
        device.emit((eventId, deviceId, cidr, at, seq) -> new DeviceEvent.DownloadProgress(eventId, deviceId, cidr, at,
                seq, answering.rolloutId(), answering.commandId(), answering.attempt(), command.app(),
                command.version(), view.bytesDone(), view.totalBytes(),
                view.peerId()));
    }

    private DeviceView.DownloadView updateView() {
        AppManifest manifest = download.manifest();
        DeviceView.DownloadView view = new DeviceView.DownloadView(command.rolloutId(), command.app(),
                command.version(), current == null ? null : current.peerId(), download.verifiedBytes(),
                manifest.size(), peerBytes, wanBytes);
        device.download(view);
        return view;
    }
}
