package io.peerlift.device.download;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.domain.Backoff;
import io.peerlift.device.domain.DiscoveryPatience;
import io.peerlift.device.domain.SourceRoute;
import io.peerlift.device.domain.SourceSelection;
import io.peerlift.device.peer.PayloadClient;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppManifest;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.Distribution;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.EventCodec;
import io.peerlift.events.OsVersion;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.peerlift.events.TrustedReleaseKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * The scheduler of one download, apart from the transport: discover peers (or go to the repository, as the source
 * policy says), pick sources ({@link SourceSelection}), and fetch the missing chunks from one source at a time until
 * every chunk is verified. Before it takes anything from a peer it checks the release signature that peer serves
 * against the keys of its own configuration ({@link #vouch}). A busy or vanished source hands the rest to the next;
 * a source that serves no signature or one that does not vouch for the commanded release, or that sent a wrong
 * manifest or a bad chunk, is banned for this download; between rounds it waits on a timer ({@link Backoff}). A
 * download of the SWARM distribution fetches from all the peers that answered at once ({@link SwarmFetch}) and its
 * device serves every chunk it verified meanwhile ({@link #partial()}). Runs on the event loop as a chain of
 * callbacks: a download in progress holds no thread.
 */
public final class DownloadTask {

    private static final Logger LOG = Logger.getLogger(DownloadTask.class);

    /** What the download tells about itself as it goes; the device turns it into events. */
    public interface Report {
        void discoveryRequested(int round);

        void discoveryAnswered(int round, List<PeerOffer> offers);

        void started(Source first, long totalBytes);

        void progress(long bytesDone, long totalBytes, Source current);

        void received(DownloadSource kind, long bytes);

        void rejected(String what);
    }

    /**
     * Where and how the device downloads.
     *
     * @param httpAllowed         whether a peer may be used over plain HTTP (it offers no HTTPS this device verifies)
     * @param wanWithoutDiscovery whether PEER_THEN_WAN may use the repository although discovery is off
     */
    public record Setup(String deviceId, String address, Subnet subnet, int discoveryPort, boolean discoveryEnabled,
                        boolean httpAllowed, boolean wanWithoutDiscovery, Path deviceDir, Duration discoveryWindow,
                        Backoff backoff, int wanFallbackAfterRounds, Duration wanFallbackAfterSilence,
                        int wanAttempts, Duration progressInterval, DeviceServiceConfig.Swarm swarm) {
    }

    /** Why a download gave up; {@code verifiedBytes} stay on disk for a retry. */
    public static final class Failure extends RuntimeException {
        private final long verifiedBytes;

        Failure(String reason, long verifiedBytes) {
            super(reason, null, false, false);
            this.verifiedBytes = verifiedBytes;
        }

        public long verifiedBytes() {
            return verifiedBytes;
        }
    }

    private final Vertx vertx;
    private final DiscoveryClient discovery;
    private final PayloadClient payloads;
    private final SourceSelection.Transport transport;
    private final SourceRoute route;
    private final ChunkStore store;
    private final TrustedReleaseKeys releaseKeys;
    private final DeviceCommand.Upgrade command;
    private final Setup setup;
    private final Report report;
    private final Promise<StoredPackage> done = Promise.promise();
    private final Set<String> banned = new HashSet<>();
    /** Peers whose release signature this device checked: asked for it once per download. */
    private final Set<String> vouched = new HashSet<>();
    /**
     * The release signatures this download verified itself: every peer of a release serves the same one, so the
     * Ed25519 check runs once per signature, not once per peer (in a swarm of 40 that was 40 checks per device and
     * the largest single cost of a fleet's event loop).
     */
    private final Set<ReleaseSignature> verifiedSignatures = new HashSet<>();
    private final DiscoveryPatience patience;
    private final Context context;
    private final boolean swarm;
    private final Promise<Void> firstChunk = Promise.promise();

    private volatile boolean cancelled;
    private long timer = -1;
    private DiscoveryClient.Lookup lookup;
    private int round;
    private int repositoryFailures;
    private StoredPackage stored;
    private ChunkRecord record;
    private Source current;
    private boolean started;
    private long lastProgressNanos;
    private long reportedBytes;

    /**
     * @param context     where the download runs: its callbacks, timers, sockets and ordered blocking work
     * @param releaseKeys the keys of the device's own configuration that a peer's release signature must verify with
     */
    public DownloadTask(Vertx vertx, Context context, DiscoveryClient discovery, PayloadClient payloads, ChunkStore store,
                        TrustedReleaseKeys releaseKeys, DeviceCommand.Upgrade command, Setup setup, Report report) {
        this.vertx = vertx;
        this.discovery = discovery;
        this.payloads = payloads;
        this.transport = new SourceSelection.Transport(payloads.verifiesPeers(), setup.httpAllowed());
        this.route = SourceRoute.of(command.sourcePolicy(), setup.discoveryEnabled(), transport.reachesAnyPeer(),
                setup.wanWithoutDiscovery());
        this.store = store;
        this.releaseKeys = releaseKeys;
        this.command = command;
        this.setup = setup;
        this.report = report;
        this.patience = new DiscoveryPatience(setup.wanFallbackAfterRounds(), setup.wanFallbackAfterSilence(),
                command.sourcePolicy() == SourcePolicy.PEER_THEN_WAN, System::nanoTime);
        this.swarm = command.distribution() == Distribution.SWARM;
        // One context for the whole download: its callbacks and timers run on one event loop, one at a time.
        this.context = context;
    }

    /** Completes with the package once this device verified every chunk; fails with a {@link Failure}. */
    public Future<StoredPackage> start() {
        context.runOnContext(v -> nextRound());
        return done.future();
    }

    /** Stops between requests or at the next bytes; verified chunks stay. */
    public void cancel() {
        cancelled = true;
        context.runOnContext(v -> {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            fail("cancelled");
        });
    }

    /** Completes when a swarming download verified its first chunk: from then on its device serves. */
    public Future<Void> firstChunk() {
        return firstChunk.future();
    }

    /** What the device serves of the package while it swarms it: the chunks it verified so far. */
    public Optional<ServedPackage> partial() {
        StoredPackage pkg = stored;
        ChunkRecord verified = record;
        return swarm && pkg != null && verified != null ? Optional.of(pkg.served(verified, command.signature()))
                : Optional.empty();
    }

    /** Verified bytes so far, for the device's view. */
    public long verifiedBytes() {
        ChunkRecord known = record;
        return known == null ? 0 : known.verifiedBytes();
    }

    private void nextRound() {
        if (cancelled || done.future().isComplete()) {
            fail("cancelled");
            return;
        }
        if (route.kind() == SourceRoute.Kind.FAIL) {
            fail(route.failure());
            return;
        }
        if (route.kind() == SourceRoute.Kind.REPOSITORY || patience.spent()) {
            trySources(List.of(Source.repository(command.repositoryUrl())), 0, true);
            return;
        }
        int thisRound = ++round;
        report.discoveryRequested(thisRound);
        if (lookup == null) {
            lookup = discovery.lookup(setup.address(), setup.subnet(), setup.discoveryPort(), setup.deviceId(),
                    command.app(), command.version());
            done.future().onComplete(finished -> lookup.close());
        }
        lookup.round(setup.discoveryWindow())
                .onFailure(e -> fail(e.getMessage()))
                .onSuccess(offers -> {
                    report.discoveryAnswered(thisRound, offers);
                    List<PeerOffer> usable = SourceSelection.usable(offers, command, banned, transport, swarm);
                    switch (patience.after(!usable.isEmpty(),
                            SourceSelection.anyHolder(offers, command, banned, transport))) {
                        case TRY_PEERS -> {
                            if (swarm) {
                                swarmFrom(usable);
                            } else {
                                trySources(usable.stream().map(o -> Source.peer(o, transport.https(o))).toList(),
                                        0, false);
                            }
                        }
                        case ASK_AGAIN_SOON -> later(1);
                        case BACK_OFF -> later(patience.silentRounds());
                        case FALL_BACK -> {
                            LOG.infof("%s: no holder of %s %s answered %d discovery rounds in a row; downloading"
                                    + " from the repository", setup.deviceId(), command.app(), command.version(),
                                    patience.silentRounds());
                            later(0);
                        }
                    }
                });
    }

    private void trySources(List<Source> sources, int index, boolean repository) {
        if (index == sources.size()) {
            if (repository && ++repositoryFailures >= setup.wanAttempts()) {
                fail("the repository " + command.repositoryUrl() + " failed " + repositoryFailures + " times");
                return;
            }
            // Peers answered but were full, busy or went away: slots free up within a transfer, so ask again soon.
            later(repository ? repositoryFailures : 1);
            return;
        }
        Source source = sources.get(index);
        tryFrom(source).onComplete(attempt -> {
            if (attempt.failed()) {
                fail(attempt.cause().getMessage());
                return;
            }
            switch (attempt.result()) {
                case COMPLETE -> done.tryComplete(stored);
                case CANCELLED -> fail("cancelled");
                case CORRUPT -> {
                    if (source.kind() == DownloadSource.WAN) {
                        fail("the repository served bytes that do not match manifest " + command.manifestSha256());
                    } else {
                        trySources(sources, index + 1, repository);
                    }
                }
                default -> trySources(sources, index + 1, repository);
            }
        });
    }

    private void swarmFrom(List<PeerOffer> usable) {
        vouchedOffers(usable)
                .compose(offers -> manifestFrom(offers.stream().map(o -> Source.peer(o, transport.https(o))).toList(), 0)
                        .compose(v -> record == null || offers.isEmpty() ? Future.succeededFuture(Outcome.UNAVAILABLE)
                                : new SwarmFetch(vertx, payloads, command, setup.deviceId(), stored, record,
                                setup.swarm(), swarmHost(), () -> cancelled).run(offers)))
                .onComplete(outcome -> {
                    if (outcome.failed()) {
                        fail(outcome.cause().getMessage());
                    } else if (outcome.result() == Outcome.COMPLETE) {
                        done.tryComplete(stored);
                    } else if (outcome.result() == Outcome.CANCELLED) {
                        fail("cancelled");
                    } else {
                        later(1); // every holder went away: discover again soon
                    }
                });
    }

    private Future<Void> manifestFrom(List<Source> sources, int index) {
        if (record != null || index == sources.size()) {
            return Future.succeededFuture();
        }
        current = sources.get(index);
        return fetchManifest(sources.get(index))
                .recover(e -> e instanceof SkippedSource ? Future.succeededFuture() : Future.failedFuture(e))
                .compose(v -> manifestFrom(sources, index + 1));
    }

    private SwarmFetch.Host swarmHost() {
        return new SwarmFetch.Host() {
            @Override
            public Future<List<PeerOffer>> discover() {
                // The download's own socket; these rounds are not reported (one every rediscover-interval).
                return lookup.round(setup.discoveryWindow())
                        .compose(offers -> vouchedOffers(SourceSelection.usable(offers, command, banned, transport, true)));
            }

            @Override
            public Source source(PeerOffer offer) {
                return Source.peer(offer, transport.https(offer));
            }

            @Override
            public PieceCollector.Listener listener(Source source) {
                return collectorListener(source);
            }

            @Override
            public void banned(Source source) {
                report.rejected("chunk");
                ban(source);
            }

            @Override
            public void untrusted(Source source) {
                DownloadTask.this.untrusted(source, null);
            }
        };
    }

    private PieceCollector.Listener collectorListener(Source source) {
        return new PieceCollector.Listener() {
            @Override
            public void received(long bytes) {
                report.received(source.kind(), bytes);
            }

            @Override
            public void verified(int chunk) {
                current = source;
                progress();
            }
        };
    }

    private Future<Outcome> tryFrom(Source source) {
        current = source;
        Future<Void> ready = vouch(source).compose(v -> record != null ? Future.succeededFuture() : fetchManifest(source));
        return ready.compose(v -> record == null ? Future.succeededFuture(Outcome.UNAVAILABLE) : fetchMissing(source))
                .recover(e -> e instanceof SkippedSource skipped ? Future.succeededFuture(skipped.outcome)
                        : Future.failedFuture(e));
    }

    /**
     * A source left before its payload: banned while its signature or manifest was fetched (it serves no valid
     * signature, sent another manifest or is not who it claims), or unavailable then.
     */
    private static final class SkippedSource extends RuntimeException {
        private final Outcome outcome;

        SkippedSource(Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    /** The offers whose peers vouch for the release ({@link #vouch}), asked at once; the others are left. */
    private Future<List<PeerOffer>> vouchedOffers(List<PeerOffer> offers) {
        List<Future<Boolean>> checks = offers.stream()
                .map(offer -> vouch(Source.peer(offer, transport.https(offer))).map(true).otherwise(false))
                .toList();
        return Future.join(checks).transform(all -> Future.succeededFuture(IntStream.range(0, offers.size())
                .filter(i -> checks.get(i).result()).mapToObj(offers::get).toList()));
    }

    /**
     * Succeeds when {@code source} is the repository (the command's signature vouches for what it serves) or a peer
     * that serves a release signature which verifies, with a key of this device's own configuration, over the
     * commanded app, version and manifest identity, and does not lower the command's minimum version (a signature
     * with an older anti-rollback floor would let the device be taken back further later). A peer serving none or
     * another is banned for this download and counted ({@code rejected{what=signature}}); one that cannot be asked
     * now is left for this round. Nothing of a peer's payload is fetched before this.
     */
    private Future<Void> vouch(Source source) {
        if (source.kind() == DownloadSource.WAN || vouched.contains(source.peerId())) {
            return Future.succeededFuture();
        }
        return payloads.get(source, source.signatureUrl(command.app(), command.version()), setup.deviceId())
                .transform(fetched -> {
                    if (fetched.failed() && fetched.cause() instanceof PayloadClient.UntrustedPeerException) {
                        return Future.failedFuture(new SkippedSource(untrusted(source, fetched.cause())));
                    }
                    if (fetched.failed() && !(fetched.cause() instanceof PayloadClient.AnsweredException answered
                            && answered.status() == 404)) {
                        LOG.debugf("%s: no release signature from %s: %s", setup.deviceId(), source,
                                fetched.cause().getMessage());
                        return Future.failedFuture(new SkippedSource(Outcome.UNAVAILABLE));
                    }
                    Optional<String> refusal = fetched.failed() ? Optional.of("it serves no release signature")
                            : signatureRefusal(fetched.result().getBytes());
                    if (refusal.isPresent()) {
                        LOG.warnf("%s: %s is refused, %s; not using it again", setup.deviceId(), source, refusal.get());
                        report.rejected("signature");
                        ban(source);
                        return Future.failedFuture(new SkippedSource(Outcome.UNTRUSTED));
                    }
                    vouched.add(source.peerId());
                    return Future.succeededFuture();
                });
    }

    /** Why a peer's signature does not vouch for the commanded release, or empty when it does. */
    private Optional<String> signatureRefusal(byte[] json) {
        ReleaseSignature signature;
        try {
            signature = EventCodec.decode(json, ReleaseSignature.class);
        } catch (EventCodec.MalformedMessageException malformed) {
            return Optional.of("its release signature is malformed (" + malformed.getMessage() + ")");
        }
        if (!verifiedSignatures.contains(signature)) {
            try {
                releaseKeys.verify(new AppRef(command.app(), command.version(), command.manifestSha256()), signature);
            } catch (TrustedReleaseKeys.UntrustedReleaseException untrusted) {
                return Optional.of(untrusted.getMessage());
            }
            verifiedSignatures.add(signature);
        }
        ReleaseSignature commanded = command.signature();
        if (commanded != null && OsVersion.parse(signature.minimumVersion())
                .isBelow(OsVersion.parse(commanded.minimumVersion()))) {
            return Optional.of("its signature names the minimum version " + signature.minimumVersion() + ", below the "
                    + commanded.minimumVersion() + " of the release commanded (a rollback floor lowered)");
        }
        return Optional.empty();
    }

    private Future<Void> fetchManifest(Source source) {
        return payloads.get(source, source.manifestUrl(command.app(), command.version()), setup.deviceId())
                .transform(fetched -> {
                    if (fetched.failed() && fetched.cause() instanceof PayloadClient.UntrustedPeerException) {
                        return Future.failedFuture(new SkippedSource(untrusted(source, fetched.cause())));
                    }
                    if (fetched.failed()) {
                        LOG.debugf("%s: no manifest from %s: %s", setup.deviceId(), source, fetched.cause().getMessage());
                        return Future.succeededFuture();
                    }
                    AppManifest manifest;
                    try {
                        manifest = AppManifest.verifyAndParse(fetched.result().getBytes(), command.manifestSha256());
                    } catch (RuntimeException wrong) {
                        LOG.warnf("%s: %s sent a wrong manifest (%s); not using it again", setup.deviceId(), source,
                                wrong.getMessage());
                        report.rejected("manifest");
                        ban(source);
                        return Future.failedFuture(new SkippedSource(Outcome.CORRUPT));
                    }
                    return vertx.executeBlocking(() -> {
                        stored = store.open(manifest);
                        record = ChunkRecord.load(setup.deviceDir(), manifest);
                        return null;
                    });
                });
    }

    private Future<Outcome> fetchMissing(Source source) {
        if (!started && !swarm) {
            markStarted(source);
        }
        List<ChunkRecord.ChunkRun> runs = record.missingRuns();
        return runs.isEmpty() ? Future.succeededFuture(Outcome.COMPLETE) : fetchRun(source, runs.get(0))
                .compose(outcome -> outcome == Outcome.COMPLETE ? fetchMissing(source) : Future.succeededFuture(outcome));
    }

    private Future<Outcome> fetchRun(Source source, ChunkRecord.ChunkRun run) {
        AppManifest manifest = record.manifest();
        PieceCollector collector = new PieceCollector(vertx, stored, record, run, collectorListener(source));
        long first = manifest.chunkOffset(run.first());
        long last = manifest.chunkOffset(run.last()) + manifest.chunkLength(run.last()) - 1;
        return payloads.range(source, source.payloadUrl(command.app(), command.version()), setup.deviceId(), first, last,
                        manifest.size(), Duration.ZERO, collector, () -> cancelled)
                .map(result -> switch (result) {
                    case COMPLETE -> Outcome.COMPLETE;
                    case BUSY -> Outcome.BUSY;
                    case CANCELLED -> Outcome.CANCELLED;
                    case UNTRUSTED -> untrusted(source, null);
                    case REFUSED -> corrupt(source);
                    case UNAVAILABLE -> collector.corrupt() ? corrupt(source) : Outcome.UNAVAILABLE;
                });
    }

    private Outcome corrupt(Source source) {
        LOG.warnf("%s: %s served a chunk that fails its SHA-256; not using it again", setup.deviceId(), source);
        report.rejected("chunk");
        ban(source);
        return Outcome.CORRUPT;
    }

    private Outcome untrusted(Source source, Throwable why) {
        LOG.warnf("%s: %s is refused, its certificate is not the fleet's for its address%s; not using it again",
                setup.deviceId(), source, why == null ? "" : " (" + why.getMessage() + ")");
        report.rejected("certificate");
        ban(source);
        return Outcome.UNTRUSTED;
    }

    private void markStarted(Source source) {
        started = true;
        lastProgressNanos = System.nanoTime();
        report.started(source, record.manifest().size());
    }

    private void progress() {
        if (!started) {
            // A swarming download counts as started at its first verified chunk: from then on it is a source.
            markStarted(current);
            firstChunk.tryComplete();
        }
        long now = System.nanoTime();
        long verified = record.verifiedBytes();
        Duration interval = swarm ? setup.swarm().progressInterval() : setup.progressInterval();
        // Only what is new: an endgame's second copy of the last chunk verifies after the package is complete.
        if (verified > reportedBytes && (record.isComplete() || now - lastProgressNanos >= interval.toNanos())) {
            lastProgressNanos = now;
            reportedBytes = verified;
            report.progress(verified, record.manifest().size(), current);
        }
    }

    private void ban(Source source) {
        if (source.peerId() != null) {
            banned.add(source.peerId());
        }
    }

    private void later(int attempt) {
        Duration wait = attempt == 0 ? Duration.ZERO
                : setup.backoff().before(attempt, bound -> ThreadLocalRandom.current().nextLong(bound));
        timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> {
            timer = -1;
            nextRound();
        });
    }

    private void fail(String reason) {
        firstChunk.tryFail(reason);
        done.tryFail(new Failure(reason, verifiedBytes()));
    }
}
