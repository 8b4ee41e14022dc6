package io.peerlift.device.domain;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Which chunk to ask which source for next, apart from the transport (as Dragonfly's and Kraken's piece
 * dispatchers are): it only books what the sources have, what is in flight and what is done.
 * <ul>
 *   <li><b>Rarest first</b>: a source is asked for the chunk, among those it has and nobody fetches yet, that the
 *   fewest sources have; ties are broken at random so that downloaders beside each other spread over the chunks
 *   and soon have something to give each other.</li>
 *   <li><b>A small pipeline per source</b>: at most {@code pipelinePerSource} requests to one source at once, so a
 *   source is never idle between two chunks and never hoarded by one downloader; at most {@code maxInFlight} in
 *   all, so that a downloader among many does not queue at every holder of the subnet at once.</li>
 *   <li><b>Endgame</b>: once at most {@code endgameChunks} chunks are missing, a source with nothing new to give
 *   is asked for a chunk already in flight elsewhere (up to {@code endgameCopies} requests per chunk); the first
 *   copy verified wins and the others are returned to be cancelled. A slow last source no longer sets the end.</li>
 *   <li><b>Bans</b>: a source that sent one bad chunk is out for good; its other requests are returned to be
 *   cancelled.</li>
 * </ul>
 * Not thread-safe: one download uses it from one event loop.
 */
public final class PieceScheduler {

    /**
     * @param pipelinePerSource requests in flight to one source at once (at least 1)
     * @param endgameChunks     missing chunks at or below which the endgame duplicates requests (0: never)
     * @param endgameCopies     requests for one chunk at once during the endgame (at least 1)
     * @param maxInFlight       requests in flight to all sources together (at least 1)
     */
    public record Settings(int pipelinePerSource, int endgameChunks, int endgameCopies, int maxInFlight) {
        public Settings {
            if (pipelinePerSource < 1 || endgameChunks < 0 || endgameCopies < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException(
                        "pipeline, copies and in-flight must be at least 1, endgame chunks at least 0");
            }
        }
    }

    /** Ask {@code source} for {@code chunk}. */
    public record Request(String source, int chunk) {
    }

    /** What one source has (null: every chunk), whether it takes requests now, and what it is asked for. */
    private static final class Holder {
        BitSet have;
        boolean paused;
        final Set<Integer> inFlight = new LinkedHashSet<>();

        boolean has(int chunk) {
            return have == null || have.get(chunk);
        }
    }

    private final int chunkCount;
    private final Settings settings;
    private final RandomGenerator random;
    private final BitSet done;
    private final int[] requests;
    /** How many known sources have each chunk. */
    private final int[] availability;
    private final Map<String, Holder> sources = new LinkedHashMap<>();
    private final Set<String> banned = new HashSet<>();

    /** @param done chunks already verified (copied, not kept) */
    public PieceScheduler(int chunkCount, BitSet done, Settings settings, RandomGenerator random) {
        this.chunkCount = chunkCount;
        this.settings = settings;
        this.random = random;
        this.done = (BitSet) done.clone();
        this.done.clear(chunkCount, Math.max(chunkCount, this.done.length()));
        this.requests = new int[chunkCount];
        this.availability = new int[chunkCount];
    }

    /** Adds a source or refreshes what it has ({@code have} null: every chunk). A banned source stays out. */
    public void offered(String source, BitSet have) {
        if (banned.contains(source)) {
            return;
        }
        Holder holder = sources.get(source);
        if (holder == null) {
            holder = new Holder();
            sources.put(source, holder);
        } else {
            count(holder, -1);
        }
        holder.have = have == null ? null : (BitSet) have.clone();
        count(holder, +1);
    }

    /** A source that answered busy takes no new request until {@code paused(source, false)}. */
    public void paused(String source, boolean paused) {
        Holder holder = sources.get(source);
        if (holder != null) {
            holder.paused = paused;
        }
    }

    /** Forgets a source that went away; its requests in flight are free to go elsewhere. */
    public void gone(String source) {
        Holder holder = sources.remove(source);
        if (holder != null) {
            holder.inFlight.forEach(chunk -> requests[chunk]--);
            count(holder, -1);
        }
    }

    /**
     * Bans a source that sent a bad chunk, for the rest of this download.
     *
     * @return its other requests in flight, to cancel
     */
    public List<Request> banned(String source) {
        banned.add(source);
        Holder holder = sources.get(source);
        List<Request> cancel = holder == null ? List.of()
                : holder.inFlight.stream().map(chunk -> new Request(source, chunk)).toList();
        gone(source);
        return cancel;
    }

    /** A request that ended without its chunk (busy, dropped, cancelled): the chunk is free to ask again. */
    public void failed(String source, int chunk) {
        Holder holder = sources.get(source);
        if (holder != null && holder.inFlight.remove(chunk)) {
            requests[chunk]--;
        }
    }

    /**
     * Books a chunk verified from {@code source}.
     *
     * @return the other requests for the same chunk (endgame copies), to cancel
     */
    public List<Request> verified(String source, int chunk) {
        done.set(chunk);
        failed(source, chunk);
        List<Request> losers = new ArrayList<>();
        sources.forEach((id, holder) -> {
            if (holder.inFlight.remove(chunk)) {
                requests[chunk]--;
                losers.add(new Request(id, chunk));
            }
        });
        return losers;
    }

    /** The requests to start now, at most one pipeline's worth per source. */
    public List<Request> next() {
        List<Request> started = new ArrayList<>();
        List<String> order = new ArrayList<>(sources.keySet());
        for (int i = order.size() - 1; i > 0; i--) {
            Collections.swap(order, i, random.nextInt(i + 1));
        }
        int room = settings.maxInFlight() - inFlight();
        boolean progress = true;
        // Round-robin, one request per source per pass, so that the rarest chunks are spread over the sources.
        while (progress && started.size() < room) {
            progress = false;
            for (String id : order) {
                if (started.size() >= room) {
                    break;
                }
                Holder holder = sources.get(id);
                if (holder.paused || holder.inFlight.size() >= settings.pipelinePerSource()) {
                    continue;
                }
                int chunk = rarestFresh(holder);
                if (chunk < 0 && missing() <= settings.endgameChunks()) {
                    chunk = endgameCopy(holder);
                }
                if (chunk >= 0) {
                    holder.inFlight.add(chunk);
                    requests[chunk]++;
                    started.add(new Request(id, chunk));
                    progress = true;
                }
            }
        }
        return started;
    }

    public boolean isComplete() {
        return done.cardinality() == chunkCount;
    }

    public int missing() {
        return chunkCount - done.cardinality();
    }

    public int inFlight() {
        return sources.values().stream().mapToInt(h -> h.inFlight.size()).sum();
    }

    /** The chunks {@code source} is asked for now, oldest first. */
    public List<Integer> inFlightChunksOf(String source) {
        Holder holder = sources.get(source);
        return holder == null ? List.of() : List.copyOf(holder.inFlight);
    }

    /** Sources known and not banned. */
    public Set<String> sources() {
        return Collections.unmodifiableSet(sources.keySet());
    }

    public boolean isBanned(String source) {
        return banned.contains(source);
    }

    /** True when {@code source} has a missing chunk nobody is fetching, or the endgame would ask it for one. */
    public boolean hasWork(String source) {
        Holder holder = sources.get(source);
        return holder != null && (rarestFresh(holder) >= 0
                || missing() <= settings.endgameChunks() && endgameCopy(holder) >= 0);
    }

    private int rarestFresh(Holder holder) {
        int best = -1;
        int bestAvailability = Integer.MAX_VALUE;
        int ties = 0;
        for (int chunk = done.nextClearBit(0); chunk < chunkCount; chunk = done.nextClearBit(chunk + 1)) {
            if (requests[chunk] > 0 || !holder.has(chunk)) {
                continue;
            }
            if (availability[chunk] < bestAvailability) {
                best = chunk;
                bestAvailability = availability[chunk];
                ties = 1;
            } else if (availability[chunk] == bestAvailability && random.nextInt(++ties) == 0) {
                best = chunk; // reservoir sampling: each of the tied chunks equally likely
            }
        }
        return best;
    }

    private int endgameCopy(Holder holder) {
        int best = -1;
        int fewest = settings.endgameCopies();
        for (int chunk = done.nextClearBit(0); chunk < chunkCount; chunk = done.nextClearBit(chunk + 1)) {
            if (requests[chunk] < fewest && !holder.inFlight.contains(chunk) && holder.has(chunk)) {
                best = chunk;
                fewest = requests[chunk];
            }
        }
        return best;
    }

    private void count(Holder holder, int delta) {
        for (int chunk = 0; chunk < chunkCount; chunk++) {
            if (holder.has(chunk)) {
                availability[chunk] += delta;
            }
        }
    }
}
