package io.peerlift.device.download;

import io.peerlift.device.peer.ServedPackage;
import io.peerlift.device.peer.VerifiedChunks;
import io.peerlift.events.AppManifest;
import io.peerlift.events.Sha256;
import io.peerlift.events.ReleaseSignature;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * One package of the {@link ChunkStore}: {@code manifest.json}, {@code payload} (chunks at their offsets) and
 * {@code present} (which chunks are written). A chunk's bytes reach the disk before its bit does, so after a crash
 * every chunk marked present really is.
 */
public final class StoredPackage {

    static final String MANIFEST = "manifest.json";
    private static final String PAYLOAD = "payload";
    private static final String PRESENT = "present";

    private final Path dir;
    private final AppManifest manifest;
    private final byte[] manifestBytes;
    private final String manifestSha256;
    private final BitSet present;

    private StoredPackage(Path dir, AppManifest manifest, BitSet present) {
        this.dir = dir;
        this.manifest = manifest;
        this.manifestBytes = manifest.canonicalBytes();
        this.manifestSha256 = Sha256.hex(manifestBytes);
        this.present = present;
    }

    static StoredPackage open(Path dir, AppManifest manifest) throws IOException {
        Files.createDirectories(dir);
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            Path temp = dir.resolve(MANIFEST + ".tmp");
            Files.write(temp, manifest.canonicalBytes());
            Files.move(temp, manifestFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Path presentFile = dir.resolve(PRESENT);
        BitSet present = Files.exists(presentFile) ? BitSet.valueOf(Files.readAllBytes(presentFile)) : new BitSet();
        present.clear(manifest.chunkCount(), Math.max(manifest.chunkCount(), present.length()));
        try (RandomAccessFile payload = new RandomAccessFile(dir.resolve(PAYLOAD).toFile(), "rw")) {
            if (payload.length() != manifest.size()) {
                payload.setLength(manifest.size()); // sparse: chunks not yet written take no disk
            }
        }
        return new StoredPackage(dir, manifest, present);
    }

    public AppManifest manifest() {
        return manifest;
    }

    public Path payload() {
        return dir.resolve(PAYLOAD);
    }

    /**
     * What a peer server sends of this package: the chunks {@code verified} by the device that serves it, and the
     * release signature that device checked.
     */
    public ServedPackage served(VerifiedChunks verified, ReleaseSignature signature) {
        return new ServedPackage(manifest, manifestBytes, manifestSha256, payload(), verified, signature);
    }

    public synchronized boolean has(int chunk) {
        return present.get(chunk);
    }

    public synchronized boolean isComplete() {
        return present.cardinality() == manifest.chunkCount();
    }

    /** Writes a chunk whose bytes the caller verified against the manifest; nothing when it is there already. */
    public synchronized void write(int chunk, byte[] data) throws IOException {
        if (present.get(chunk)) {
            return;
        }
        if (data.length != manifest.chunkLength(chunk)) {
            throw new IllegalArgumentException("chunk " + chunk + " must be " + manifest.chunkLength(chunk) + " bytes");
        }
        try (FileChannel file = FileChannel.open(payload(), StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            long position = manifest.chunkOffset(chunk);
            while (buffer.hasRemaining()) {
                position += file.write(buffer, position);
            }
            file.force(false);
        }
        present.set(chunk);
        savePresent();
    }

    /** Takes a whole payload file the caller computed the manifest of (an import) as every chunk. */
    synchronized void adoptWhole(Path file) throws IOException {
        Files.move(file, payload(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        present.set(0, manifest.chunkCount());
        savePresent();
    }

    private void savePresent() throws IOException {
        Path temp = dir.resolve(PRESENT + ".tmp");
        Files.write(temp, present.toByteArray());
        Files.move(temp, dir.resolve(PRESENT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
