package io.peerlift.device.download;

import io.peerlift.events.AppManifest;
import io.peerlift.events.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Verified chunks on disk, addressed by content and kept once per process however many devices hold them: a
 * package lives under the SHA-256 of its manifest (which fixes the SHA-256 of every chunk), its chunks at their
 * offsets in one payload file, which the peer server sends with zero-copy sendfile. A chunk is written only after
 * its bytes matched the manifest, and only by the first device that verified it; every other device that
 * downloads it still receives and verifies the bytes itself, then keeps only its own {@link ChunkRecord}. So a
 * fleet of 10,000 devices stores one copy, and no device ever trusts another's download.
 */
public final class ChunkStore {

    private final Path root;
    private final ConcurrentMap<String, StoredPackage> packages = new ConcurrentHashMap<>();

    public ChunkStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the chunk store at " + root, e);
        }
    }

    /** The entry of {@code manifest} (already verified against its identity), created without chunks if new. */
    public StoredPackage open(AppManifest manifest) throws IOException {
        try {
            return packages.computeIfAbsent(manifest.manifestSha256(), id -> {
                try {
                    return StoredPackage.open(root.resolve(id), manifest);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The entry with this manifest identity, if the store has one (complete or not). */
    public Optional<StoredPackage> find(String manifestSha256) {
        if (!Sha256.isValid(manifestSha256)) {
            return Optional.empty();
        }
        StoredPackage known = packages.get(manifestSha256);
        if (known != null) {
            return Optional.of(known);
        }
        Path manifestFile = root.resolve(manifestSha256).resolve(StoredPackage.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return Optional.empty();
        }
        try {
            return Optional.of(open(AppManifest.verifyAndParse(Files.readAllBytes(manifestFile), manifestSha256)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the chunk store entry " + manifestFile.getParent() + " is damaged: "
                    + e.getMessage(), e);
        }
    }

    /** Computes the manifest of a package file and stores all of it (an initial peer's provisioning). */
    public StoredPackage importPackage(String app, String version, Path file) throws IOException {
        return importPackage(app, version, file, manifest -> { });
    }

    /**
     * The same, storing nothing unless {@code vouch} accepts the computed manifest (it throws to refuse): an
     * initial peer holds only a release its trusted keys signed.
     */
    public StoredPackage importPackage(String app, String version, Path file, Consumer<AppManifest> vouch)
            throws IOException {
        AppManifest manifest;
        try (InputStream in = Files.newInputStream(file)) {
            manifest = AppManifest.compute(app, version, AppManifest.DEFAULT_CHUNK_SIZE, in);
        }
        vouch.accept(manifest);
        StoredPackage stored = open(manifest);
        if (!stored.isComplete()) {
            Path staging = Files.createTempFile(root, "import-", ".part");
            Files.copy(file, staging, StandardCopyOption.REPLACE_EXISTING);
            stored.adoptWhole(staging);
        }
        return stored;
    }
}
