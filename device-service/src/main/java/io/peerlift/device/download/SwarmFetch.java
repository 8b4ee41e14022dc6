package io.peerlift.device.download;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.domain.PieceScheduler;
import io.peerlift.device.peer.PayloadClient;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.PeerOffer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The swarming fetch of one download: chunks from several holders at once, each chunk one Range request, in the
 * order {@link PieceScheduler} says (rarest first, a small pipeline per source, endgame copies at the tail). A
 * partial holder with nothing new is asked for its {@code /have} again after a short while, a few at once; a
 * discovery round every {@code rediscoverInterval} (slower while rounds find nobody new) finds holders that joined. A source that goes away costs only
 * its chunks in flight; one that sends a bad chunk is banned and its other requests cancelled. Runs on the
 * download's event loop.
 */
final class SwarmFetch {

    private static final Logger LOG = Logger.getLogger(SwarmFetch.class);

    /** What the fetch needs of its download. */
    interface Host {
        /** One discovery round; its usable offers (banned peers left out). */
        Future<List<PeerOffer>> discover();

        /** How this device reaches the peer of {@code offer} (HTTPS when it can verify it). */
        Source source(PeerOffer offer);

        PieceCollector.Listener listener(Source source);

        /** A source sent a bad chunk: banned for the rest of the download. */
        void banned(Source source);

        /** A source's certificate is not the fleet's for its address: banned for the rest of the download. */
        void untrusted(Source source);
    }

    private final Vertx vertx;
    private final PayloadClient payloads;
    private final DeviceCommand.Upgrade command;
    private final String deviceId;
    private final StoredPackage stored;
    private final ChunkRecord record;
    private final DeviceServiceConfig.Swarm settings;
    private final Host host;
    private final BooleanSupplier cancelled;
    private final Random random = new Random();
    private final PieceScheduler scheduler;
    private final Promise<Outcome> done = Promise.promise();
    private final Map<String, Source> sources = new HashMap<>();
    /** Partial holders (their have-list changes); complete ones are never asked again. */
    private final Set<String> partial = new HashSet<>();
    private final Set<String> refreshing = new HashSet<>();
    private final Map<String, Long> refreshedAt = new HashMap<>();
    /** Requests to drop at their next bytes: endgame losers and the requests of a banned source. */
    private final Set<PieceScheduler.Request> aborted = new HashSet<>();
    private final Tally tally = new Tally();
    private long rediscoverTimer = -1;
    /** The wait before the next discovery round: doubled after a round that found nobody new, up to 8 times. */
    private long rediscoverMillis;
    private boolean discovering;

    SwarmFetch(Vertx vertx, PayloadClient payloads, DeviceCommand.Upgrade command, String deviceId,
               StoredPackage stored, ChunkRecord record, DeviceServiceConfig.Swarm settings, Host host,
               BooleanSupplier cancelled) {
        this.vertx = vertx;
        this.payloads = payloads;
        this.command = command;
        this.deviceId = deviceId;
        this.stored = stored;
        this.record = record;
        this.settings = settings;
        this.host = host;
        this.cancelled = cancelled;
        this.scheduler = new PieceScheduler(record.manifest().chunkCount(), record.snapshot(),
                new PieceScheduler.Settings(settings.pipelinePerSource(), settings.endgameChunks(),
                        settings.endgameCopies(), settings.maxInFlight()), random);
    }

    /**
     * Completes with COMPLETE once every chunk is verified, CANCELLED, or UNAVAILABLE when no holder is left and a
     * discovery round found none; fails on a local disk error.
     */
    Future<Outcome> run(List<PeerOffer> offers) {
        tally.startedNanos = System.nanoTime();
        offers.forEach(this::offered);
        rediscoverMillis = Math.max(1, settings.rediscoverInterval().toMillis());
        rediscoverTimer = vertx.setTimer(rediscoverMillis, t -> rediscover());
        pump();
        return done.future();
    }

    private void offered(PeerOffer offer) {
        if (scheduler.isBanned(offer.peerId())) {
            return;
        }
        Source source = host.source(offer);
        sources.put(offer.peerId(), source);
        if (offer.complete()) {
            partial.remove(offer.peerId());
            scheduler.offered(offer.peerId(), null);
            return;
        }
        partial.add(offer.peerId());
        BitSet have = offer.listed().orElse(null);
        if (have == null) {
            scheduler.offered(offer.peerId(), new BitSet());
            refreshedAt.remove(offer.peerId()); // a have-list to fetch: at once
        } else {
            scheduler.offered(offer.peerId(), have);
            refreshedAt.put(offer.peerId(), System.nanoTime());
        }
    }

    private void pump() {
        if (done.future().isComplete()) {
            return;
        }
        if (cancelled.getAsBoolean()) {
            finish(Outcome.CANCELLED);
            return;
        }
        if (scheduler.isComplete()) {
            finish(Outcome.COMPLETE);
            return;
        }
        for (PieceScheduler.Request request : scheduler.next()) {
            fetch(request);
        }
        refreshIdleHolders();
        if (scheduler.sources().isEmpty() && !discovering) {
            rediscover(); // everyone went away: look now rather than at the next period
        }
    }

    private void fetch(PieceScheduler.Request request) {
        tally.requests++;
        Source source = sources.get(request.source());
        AppManifest manifest = record.manifest();
        int chunk = request.chunk();
        PieceCollector collector = new PieceCollector(vertx, stored, record, new ChunkRecord.ChunkRun(chunk, chunk),
                host.listener(source));
        long first = manifest.chunkOffset(chunk);
        payloads.range(source, source.payloadUrl(command.app(), command.version()), deviceId, first,
                        first + manifest.chunkLength(chunk) - 1, manifest.size(), settings.slotWait(),
                        new PayloadClient.Sink() {
                            @Override
                            public boolean accept(Buffer bytes) {
                                return collector.accept(bytes);
                            }

                            @Override
                            public Future<Boolean> finish() {
                                return collector.finish();
                            }

                            @Override
                            public void have(String have) {
                                answeredHave(request.source(), have);
                            }
                        },
                        () -> cancelled.getAsBoolean() || aborted.contains(request))
                .onComplete(result -> {
                    if (result.failed()) {
                        fail(result.cause());
                        return;
                    }
                    ended(request, source, result.result(), collector);
                    pump();
                });
    }

    /**
     * A partial holder's have-list, sent with its answer to a chunk request: fresher than its last /have. One that
     * is malformed is ignored: the holder keeps the list it had.
     */
    private void answeredHave(String id, String have) {
        if (!partial.contains(id)) {
            return;
        }
        PeerOffer.listed(have).ifPresentOrElse(listed -> {
            scheduler.offered(id, listed);
            refreshedAt.put(id, System.nanoTime());
        }, () -> {
            if (!PeerOffer.isHave(have)) {
                LOG.debugf("%s: %s sent a malformed have-list; keeping the one it had", deviceId, id);
            }
        });
    }

    private void ended(PieceScheduler.Request request, Source source, PayloadClient.Result result,
                       PieceCollector collector) {
        if (aborted.remove(request)) {
            return; // a loser or a banned source's: the scheduler has forgotten it already
        }
        switch (result) {
            case COMPLETE -> scheduler.verified(request.source(), request.chunk()).forEach(aborted::add);
            case BUSY -> {
                tally.busy++;
                scheduler.failed(request.source(), request.chunk());
                scheduler.paused(request.source(), true);
                // Jittered, so that the downloaders a busy holder turned away do not all come back at once.
                long pause = Math.max(1, settings.busyPause().toMillis());
                vertx.setTimer(pause + random.nextLong(pause), t -> {
                    scheduler.paused(request.source(), false);
                    pump();
                });
            }
            case REFUSED -> ban(source);
            case UNTRUSTED -> {
                aborted.addAll(scheduler.banned(source.peerId()));
                partial.remove(source.peerId());
                host.untrusted(source);
            }
            case UNAVAILABLE -> {
                if (collector.corrupt()) {
                    ban(source);
                } else {
                    // Gone, frozen or refusing (a have-list older than its restart): it costs its requests in
                    // flight; a later discovery round brings it back if it still serves.
                    LOG.debugf("%s: %s went away mid-swarm", deviceId, source);
                    tally.gone++;
                    scheduler.gone(request.source());
                    partial.remove(request.source());
                }
            }
            case CANCELLED -> scheduler.failed(request.source(), request.chunk());
        }
    }

    private void ban(Source source) {
        LOG.warnf("%s: %s served a chunk that fails its SHA-256; not using it again", deviceId, source);
        aborted.addAll(scheduler.banned(source.peerId()));
        partial.remove(source.peerId());
        host.banned(source);
    }

    /** Asks partial holders that have nothing new for this download for their have-list again, a few at once. */
    private void refreshIdleHolders() {
        long now = System.nanoTime();
        long interval = settings.haveRefreshInterval().toNanos();
        for (String id : partial) {
            if (refreshing.size() >= settings.haveRefreshSources()) {
                return;
            }
            Long last = refreshedAt.get(id);
            if (refreshing.contains(id) || scheduler.hasWork(id) || !scheduler.inFlightChunksOf(id).isEmpty()) {
                continue;
            }
            long wait = last == null ? 0 : last + interval - now;
            refreshing.add(id);
            if (wait <= 0) {
                refreshHave(id);
            } else {
                vertx.setTimer(Math.max(1, wait / 1_000_000), t -> refreshHave(id));
            }
        }
    }

    private void refreshHave(String id) {
        tally.haveRefreshes++;
        Source source = sources.get(id);
        if (done.future().isComplete() || source == null || !scheduler.sources().contains(id)) {
            refreshing.remove(id);
            return;
        }
        payloads.get(source, source.haveUrl(command.app(), command.version()), deviceId).onComplete(answer -> {
            refreshing.remove(id);
            refreshedAt.put(id, System.nanoTime());
            if (!scheduler.sources().contains(id)) {
                return;
            }
            if (answer.succeeded()) {
                scheduler.offered(id, BitSet.valueOf(answer.result().getBytes()));
            } else {
                scheduler.gone(id);
                partial.remove(id);
            }
            pump();
        });
    }

    private void rediscover() {
        if (discovering || done.future().isComplete()) {
            return;
        }
        discovering = true;
        tally.rediscoveries++;
        vertx.cancelTimer(rediscoverTimer);
        host.discover().onComplete(found -> {
            discovering = false;
            boolean newcomer = false;
            if (found.succeeded()) {
                for (PeerOffer offer : found.result()) {
                    newcomer |= !scheduler.sources().contains(offer.peerId()) && !scheduler.isBanned(offer.peerId());
                }
                found.result().forEach(offer -> {
                    Source known = sources.get(offer.peerId());
                    boolean refreshOnly = known != null && scheduler.sources().contains(offer.peerId());
                    if (!refreshOnly || offer.complete() || offer.listed().isPresent()) {
                        offered(offer);
                    }
                });
            }
            if (scheduler.sources().isEmpty() && scheduler.inFlight() == 0) {
                finish(Outcome.UNAVAILABLE);
                return;
            }
            // A subnet whose holders are all known needs asking less and less: each round costs every holder an
            // answer. Anyone new (a device that verified its first chunk) brings the pace back.
            long base = Math.max(1, settings.rediscoverInterval().toMillis());
            rediscoverMillis = newcomer ? base : Math.min(rediscoverMillis * 2, base * 8);
            if (!done.future().isComplete()) {
                rediscoverTimer = vertx.setTimer(rediscoverMillis, t -> rediscover());
            }
            pump();
        });
    }

    private void finish(Outcome outcome) {
        vertx.cancelTimer(rediscoverTimer);
        LOG.infof("%s: swarm %s after %d ms with %d source(s) known: %d chunk requests, %d busy, %d gone, %d /have"
                        + " refreshes, %d discovery rounds", deviceId, outcome,
                (System.nanoTime() - tally.startedNanos) / 1_000_000, sources.size(), tally.requests, tally.busy,
                tally.gone, tally.haveRefreshes, tally.rediscoveries);
        // Whatever is still in flight (endgame losers) stops at its next bytes.
        sources.keySet().forEach(id -> scheduler.inFlightChunksOf(id)
                .forEach(chunk -> aborted.add(new PieceScheduler.Request(id, chunk))));
        done.tryComplete(outcome);
    }

    /** What one fetch asked for and heard, for its log line. */
    private static final class Tally {
        long startedNanos;
        int requests;
        int busy;
        int gone;
        int haveRefreshes;
        int rediscoveries;
    }

    private void fail(Throwable cause) {
        vertx.cancelTimer(rediscoverTimer);
        done.tryFail(cause);
    }
}
