package io.peerlift.device.domain;

import io.peerlift.events.AppManifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The payload of one download in progress, kept in the device's own directory under the manifest identity:
 * {@code payload} (written chunk by chunk at its offset) and {@code verified} (which chunks passed their SHA-256).
 * A chunk's bytes reach the disk before its bit does, so after a crash every chunk marked verified really is.
 * Only chunks that passed verification are ever written.
 */
public final class PartialDownload implements AutoCloseable {

    private final Path dir;
    private final AppManifest manifest;
    private final FileChannel payload;
    private final BitSet verified;

    private PartialDownload(Path dir, AppManifest manifest, FileChannel payload, BitSet verified) {
        this.dir = dir;
        this.manifest = manifest;
        this.payload = payload;
        this.verified = verified;
    }

    /** Opens (or resumes) the download of {@code manifest} in {@code downloadsDir}. */
    public static PartialDownload open(Path downloadsDir, AppManifest manifest) throws IOException {
        Path dir = Files.createDirectories(downloadsDir.resolve(manifest.manifestSha256()));
        FileChannel payload = FileChannel.open(dir.resolve("payload"),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Path verifiedFile = dir.resolve("verified");
        BitSet verified = Files.exists(verifiedFile) ? BitSet.valueOf(Files.readAllBytes(verifiedFile)) : new BitSet();
        verified.clear(manifest.chunkCount(), Math.max(manifest.chunkCount(), verified.length()));
        return new PartialDownload(dir, manifest, payload, verified);
    }

    public AppManifest manifest() {
        return manifest;
    }

    public synchronized boolean isVerified(int chunk) {
        return verified.get(chunk);
    }

    public synchronized boolean isComplete() {
        return verified.cardinality() == manifest.chunkCount();
    }

    public synchronized long verifiedBytes() {
        return verified.stream().mapToLong(manifest::chunkLength).sum();
    }

    /** The missing chunks as contiguous runs, so that each run is one Range request. */
    public synchronized List<ChunkRun> missingRuns() {
        List<ChunkRun> runs = new ArrayList<>();
        int start = verified.nextClearBit(0);
        while (start < manifest.chunkCount()) {
            int end = Math.min(verified.nextSetBit(start) < 0 ? manifest.chunkCount() : verified.nextSetBit(start),
                    manifest.chunkCount());
            runs.add(new ChunkRun(start, end - 1));
            start = verified.nextClearBit(end);
        }
        return runs;
    }

    /** Writes a chunk the caller has verified against the manifest, then records it as verified. */
    public synchronized void writeVerified(int chunk, byte[] data) throws IOException {
        if (data.length != manifest.chunkLength(chunk)) {
            throw new IllegalArgumentException("chunk " + chunk + " must be " + manifest.chunkLength(chunk) + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        long position = manifest.chunkOffset(chunk);
        while (buffer.hasRemaining()) {
            position += payload.write(buffer, position);
        }
        payload.force(false);
        verified.set(chunk);
        Path temp = dir.resolve("verified.tmp");
        Files.write(temp, verified.toByteArray());
        Files.move(temp, dir.resolve("verified"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The payload file, to hand to the store once {@link #isComplete()}. */
    public Path payloadPath() {
        return dir.resolve("payload");
    }

    /** Removes what is left of the download directory (after the store adopted the payload). */
    public void discard() throws IOException {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() throws IOException {
        payload.close();
    }

    /** Chunks {@code first..last}, inclusive. */
    public record ChunkRun(int first, int last) {
    }
}
