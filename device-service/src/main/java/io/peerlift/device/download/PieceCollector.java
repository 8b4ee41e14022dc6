package io.peerlift.device.download;

import io.peerlift.device.peer.PayloadClient;
import io.peerlift.events.AppManifest;
import io.peerlift.events.Sha256;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;

/**
 * Takes the bytes of one run of chunks as they arrive and verifies each chunk against the manifest before anything
 * is kept. While a chunk streams in only its digest grows; its bytes are held only when the {@link ChunkStore}
 * lacks the chunk (the first device of a fleet to fetch it), then written once. A verified chunk goes into the
 * device's {@link ChunkRecord}; the first chunk that fails its SHA-256 ends the run, and nothing of it is kept.
 * Disk work runs on worker threads, in chunk order.
 */
final class PieceCollector implements PayloadClient.Sink {

    /** Told about every byte received (verified or not) and every chunk verified and kept. */
    interface Listener {
        void received(long bytes);

        void verified(int chunk);
    }

    private final Vertx vertx;
    private final AppManifest manifest;
    private final StoredPackage store;
    private final ChunkRecord record;
    private final ChunkRecord.ChunkRun run;
    private final Listener listener;
    private final MessageDigest digest = Sha256.newDigest();
    private int chunk;
    private int inChunk;
    private Buffer held;
    private boolean corrupt;
    private Future<Void> kept = Future.succeededFuture();

    PieceCollector(Vertx vertx, StoredPackage store, ChunkRecord record, ChunkRecord.ChunkRun run, Listener listener) {
        this.vertx = vertx;
        this.manifest = record.manifest();
        this.store = store;
        this.record = record;
        this.run = run;
        this.listener = listener;
        begin(run.first());
    }

    @Override
    public boolean accept(Buffer bytes) {
        listener.received(bytes.length());
        int offset = 0;
        while (offset < bytes.length() && chunk <= run.last() && !corrupt) {
            int take = Math.min(manifest.chunkLength(chunk) - inChunk, bytes.length() - offset);
            digest.update(bytes.getByteBuf().nioBuffer(offset, take));
            if (held != null) {
                held.appendBuffer(bytes, offset, take);
            }
            inChunk += take;
            offset += take;
            if (inChunk == manifest.chunkLength(chunk)) {
                finishChunk();
            }
        }
        return !corrupt;
    }

    private void finishChunk() {
        if (!Sha256.hex(digest).equals(manifest.chunks().get(chunk))) {
            corrupt = true;
            held = null;
            return;
        }
        int verified = chunk;
        byte[] bytes = held == null ? null : held.getBytes();
        kept = kept.compose(v -> vertx.executeBlocking(() -> {
            if (bytes != null) {
                store.write(verified, bytes);
            }
            record.markVerified(verified);
            return null;
        }, true)).onSuccess(v -> listener.verified(verified)).mapEmpty();
        begin(chunk + 1);
    }

    private void begin(int next) {
        chunk = next;
        inChunk = 0;
        digest.reset();
        held = next <= run.last() && !store.has(next) ? Buffer.buffer(manifest.chunkLength(next)) : null;
    }

    /** True once every chunk of the run is verified and kept; fails on a local disk error. */
    @Override
    public Future<Boolean> finish() {
        return kept.map(v -> !corrupt && chunk > run.last());
    }

    boolean corrupt() {
        return corrupt;
    }
}
