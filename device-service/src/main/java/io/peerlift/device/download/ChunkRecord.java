package io.peerlift.device.download;

import io.peerlift.device.peer.VerifiedChunks;
import io.peerlift.events.AppManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One device's own record of the chunks of a package it received and verified itself, in
 * {@code chunks/<manifestSha256>} of the device's directory: a few bytes per package, whatever its size. It is
 * what the device may serve (the whole package once complete; while swarming, these chunks: its have-list) and what
 * a retry or another source need not fetch again.
 */
public final class ChunkRecord implements VerifiedChunks {

    private final Path file;
    private final AppManifest manifest;
    private final BitSet verified;
    /** Held while the file is written: one write at a time, each with every chunk verified before it. */
    private final Object writing = new Object();

    private ChunkRecord(Path file, AppManifest manifest, BitSet verified) {
        this.file = file;
        this.manifest = manifest;
        this.verified = verified;
    }

    public static ChunkRecord load(Path deviceDir, AppManifest manifest) throws IOException {
        Path file = deviceDir.resolve("chunks").resolve(manifest.manifestSha256());
        BitSet verified = Files.exists(file) ? BitSet.valueOf(Files.readAllBytes(file)) : new BitSet();
        verified.clear(manifest.chunkCount(), Math.max(manifest.chunkCount(), verified.length()));
        return new ChunkRecord(file, manifest, verified);
    }

    public AppManifest manifest() {
        return manifest;
    }

    @Override
    public synchronized boolean has(int chunk) {
        return verified.get(chunk);
    }

    @Override
    public synchronized BitSet snapshot(int chunkCount) {
        return (BitSet) verified.clone();
    }

    /** A copy of the verified chunks. */
    public BitSet snapshot() {
        return snapshot(manifest.chunkCount());
    }

    @Override
    public synchronized boolean isComplete() {
        return verified.cardinality() == manifest.chunkCount();
    }

    public synchronized long verifiedBytes() {
        return verified.stream().mapToLong(manifest::chunkLength).sum();
    }

    /** The chunks still missing, as contiguous runs: each run is one Range request. */
    public synchronized List<ChunkRun> missingRuns() {
        List<ChunkRun> runs = new ArrayList<>();
        int start = verified.nextClearBit(0);
        while (start < manifest.chunkCount()) {
            int next = verified.nextSetBit(start);
            int end = next < 0 ? manifest.chunkCount() : next;
            runs.add(new ChunkRun(start, end - 1));
            start = verified.nextClearBit(end);
        }
        return runs;
    }

    /**
     * Records a chunk this device verified (and the store holds). The file is written outside the lock readers
     * take (the peer server and discovery answers read the record on event loops), under one of its own, so that
     * the last write holds every chunk.
     */
    public void markVerified(int chunk) throws IOException {
        synchronized (writing) {
            byte[] bytes;
            synchronized (this) {
                verified.set(chunk);
                bytes = verified.toByteArray();
            }
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temp, bytes);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Chunks {@code first..last}, inclusive. */
    public record ChunkRun(int first, int last) {
    }
}
