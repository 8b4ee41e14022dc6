package io.peerlift.device.domain;

import io.peerlift.events.AppManifest;
import io.peerlift.events.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Complete, verified app packages on disk, addressed by the SHA-256 of their manifest:
 * {@code <root>/<manifestSha256>/payload} and {@code manifest.json}. The manifest is written last, so its presence
 * means the payload beside it is complete and verified. Devices of a fleet may share one store: sharing saves disk,
 * never a download, because a device only records an app as held after it fetched and verified every byte itself.
 */
public final class ContentStore {

    private static final String MANIFEST = "manifest.json";
    private static final String PAYLOAD = "payload";

    private final Path root;
    private final ConcurrentMap<String, StoredApp> cache = new ConcurrentHashMap<>();

    public ContentStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the content store at " + root, e);
        }
    }

    /** A complete package: its manifest, the manifest's canonical bytes (what peers serve) and the payload file. */
    public record StoredApp(AppManifest manifest, byte[] manifestBytes, Path payload) {
    }

    /** Computes the manifest of a package file and stores a copy; used to provision initial peers. */
    public StoredApp importPackage(String app, String version, Path file) throws IOException {
        AppManifest manifest;
        try (InputStream in = Files.newInputStream(file)) {
            manifest = AppManifest.compute(app, version, AppManifest.DEFAULT_CHUNK_SIZE, in);
        }
        Optional<StoredApp> existing = find(manifest.manifestSha256());
        if (existing.isPresent()) {
            return existing.get();
        }
        Path staging = Files.createTempFile(root, "import-", ".part");
        Files.copy(file, staging, StandardCopyOption.REPLACE_EXISTING);
        return adopt(manifest, staging);
    }

    /**
     * Moves a payload that the caller verified against {@code manifest} into the store, re-checking the whole-file
     * digest first. When the store already holds the package the given file is deleted instead.
     */
    public synchronized StoredApp adopt(AppManifest manifest, Path verifiedPayload) throws IOException {
        String id = manifest.manifestSha256();
        Optional<StoredApp> existing = find(id);
        if (existing.isPresent()) {
            Files.deleteIfExists(verifiedPayload);
            return existing.get();
        }
        String actual = digestOf(verifiedPayload);
        if (!actual.equals(manifest.sha256())) {
            throw new IllegalStateException("payload digest " + actual + " differs from the manifest's " + manifest.sha256());
        }
        Path dir = Files.createDirectories(root.resolve(id));
        Files.move(verifiedPayload, dir.resolve(PAYLOAD), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path manifestTemp = dir.resolve(MANIFEST + ".tmp");
        Files.write(manifestTemp, manifest.canonicalBytes());
        Files.move(manifestTemp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return find(id).orElseThrow();
    }

    /** The complete package with this manifest identity, if the store holds it. */
    public Optional<StoredApp> find(String manifestSha256) {
        if (!Sha256.isValid(manifestSha256)) {
            return Optional.empty();
        }
        StoredApp cached = cache.get(manifestSha256);
        if (cached != null) {
            return Optional.of(cached);
        }
        Path dir = root.resolve(manifestSha256);
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(manifestFile);
            AppManifest manifest = AppManifest.verifyAndParse(bytes, manifestSha256);
            StoredApp app = new StoredApp(manifest, bytes, dir.resolve(PAYLOAD));
            cache.put(manifestSha256, app);
            return Optional.of(app);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the content store entry " + dir + " is damaged: " + e.getMessage(), e);
        }
    }

    static String digestOf(Path file) throws IOException {
        var digest = Sha256.newDigest();
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return Sha256.hex(digest);
    }
}
