package io.peerlift.rollout.service.repository;

import io.peerlift.events.AppManifest;
import io.peerlift.events.OsVersion;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.AppPackage;
import io.peerlift.support.problem.ConflictException;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The WAN source: signed app packages stored once, by content. An upload streams to a temp file while the manifest
 * is computed over the same bytes, so no payload is ever held in memory; only a release whose signature by a
 * trusted key matches that manifest is kept, with its signature.
 */
@ApplicationScoped
public class AppRepository {

    private final RolloutConfig config;
    private final ReleaseTrust trust;

    AppRepository(RolloutConfig config, ReleaseTrust trust) {
        this.config = config;
        this.trust = trust;
    }

    /** The stored package and whether this call created it (false: the identical payload was already there). */
    public record Stored(AppPackage pkg, boolean created) {
    }

    /**
     * Stores the payload signed by {@code signature}. The name and the signing key are checked before a byte is
     * read; the signature against the manifest once the payload is in. Nothing is kept of a refused upload.
     */
    public Stored store(String app, String version, ReleaseSignature signature, InputStream body) {
        validate(app, version);
        trust.requireTrustedKey(app, version, signature);
        Path incoming = directory("incoming").resolve(UUID.randomUUID() + ".part");
        try {
            AppManifest manifest;
            try (OutputStream file = Files.newOutputStream(incoming);
                 InputStream tee = new CopyingInputStream(body, file)) {
                manifest = AppManifest.compute(app, version, AppManifest.DEFAULT_CHUNK_SIZE, tee);
            }
            trust.verify(manifest, signature);
            AppPackage existing = find(app, version);
            if (existing != null) {
                return same(existing, manifest);
            }
            Path payload = payloadPath(manifest.sha256());
            if (Files.exists(payload)) {
                Files.delete(incoming);
            } else {
                Files.move(incoming, payload, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                return new Stored(QuarkusTransaction.requiringNew().call(() -> persist(manifest, signature)), true);
            } catch (PersistenceException raced) {
                // Another upload of the same app version committed first.
                return same(find(app, version), manifest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("storing " + app + " " + version + " failed", e);
        } finally {
            deleteQuietly(incoming);
        }
    }

    public List<AppPackage> list() {
        return QuarkusTransaction.requiringNew().call(AppPackage::listInOrder);
    }

    public AppPackage require(String app, String version) {
        AppPackage pkg = find(app, version);
        if (pkg == null) {
            throw new NotFoundException("app " + app + " version " + version + " is not in the repository");
        }
        return pkg;
    }

    public Path payloadPath(String sha256) {
        return directory("payloads").resolve(sha256);
    }

    public static byte[] manifestBytes(AppPackage pkg) {
        return pkg.manifest.getBytes(StandardCharsets.UTF_8);
    }

    private AppPackage find(String app, String version) {
        return QuarkusTransaction.requiringNew().call(() -> AppPackage.find(app, version).orElse(null));
    }

    private static Stored same(AppPackage existing, AppManifest uploaded) {
        if (!existing.manifestSha256.equals(uploaded.manifestSha256())) {
            throw new ConflictException("app " + existing.app + " version " + existing.version
                    + " already exists with a different payload (sha256 " + existing.sha256 + ", uploaded "
                    + uploaded.sha256() + "); publish changed content under a new version");
        }
        return new Stored(existing, false);
    }

    private static AppPackage persist(AppManifest manifest, ReleaseSignature signature) {
        AppPackage pkg = new AppPackage();
        pkg.app = manifest.app();
        pkg.version = manifest.version();
        pkg.size = manifest.size();
        pkg.sha256 = manifest.sha256();
        pkg.chunkSize = manifest.chunkSize();
        pkg.manifestSha256 = manifest.manifestSha256();
        pkg.manifest = new String(manifest.canonicalBytes(), StandardCharsets.UTF_8);
        pkg.signature = signature.toHeader();
        pkg.createdAt = Instant.now();
        pkg.persistAndFlush();
        return pkg;
    }

    private static void validate(String app, String version) {
        try {
            AppManifest.requireAppName(app);
            OsVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    private Path directory(String name) {
        try {
            return Files.createDirectories(config.repository().storageDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the repository directory " + name, e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A leftover temp file only costs disk space; the next upload uses a new name.
        }
    }

    /** Passes the bytes read through to a file as well. */
    private static final class CopyingInputStream extends FilterInputStream {
        private final OutputStream copy;

        CopyingInputStream(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                copy.write(buffer, offset, n);
            }
            return n;
        }
    }
}
