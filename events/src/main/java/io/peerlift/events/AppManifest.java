package io.peerlift.events;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a device needs to verify an app package before it installs or serves it: the size and SHA-256 of
 * the whole payload, and the SHA-256 of every fixed-size chunk so that each range fetched from a peer can
 * be checked on arrival. The manifest itself is identified by the SHA-256 of its {@linkplain #canonicalBytes()
 * canonical bytes}; the Upgrade command carries that identity, so a peer cannot substitute a manifest.
 */
public record AppManifest(String app, String version, long size, String sha256, int chunkSize, List<String> chunks) {

    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

    /** App names become URL path segments and file names: keep them to a safe alphabet. */
    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public AppManifest {
        requireAppName(app);
        OsVersion.parse(version);
        Sha256.require(sha256, "sha256");
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive, got " + chunkSize);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
        chunks = List.copyOf(Objects.requireNonNull(chunks, "chunks"));
        long expected = (size + chunkSize - 1) / chunkSize;
        if (chunks.size() != expected) {
            throw new IllegalArgumentException("a payload of " + size + " bytes in chunks of " + chunkSize
                    + " has " + expected + " chunks, the manifest lists " + chunks.size());
        }
        chunks.forEach(c -> Sha256.require(c, "chunk digest"));
    }

    public static String requireAppName(String app) {
        if (app == null || !APP_NAME.matcher(app).matches()) {
            throw new IllegalArgumentException("app name '" + (app == null ? null : Limits.printable(app))
                    + "' is invalid: 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        }
        return app;
    }

    /** Reads the payload once, computing the digest of the whole and of every chunk. */
    public static AppManifest compute(String app, String version, int chunkSize, InputStream payload) throws IOException {
        MessageDigest whole = Sha256.newDigest();
        MessageDigest chunk = Sha256.newDigest();
        List<String> chunkDigests = new ArrayList<>();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        int inChunk = 0;
        int read;
        while ((read = payload.read(buffer)) > 0) {
            int offset = 0;
            while (offset < read) {
                int take = Math.min(read - offset, chunkSize - inChunk);
                whole.update(buffer, offset, take);
                chunk.update(buffer, offset, take);
                inChunk += take;
                offset += take;
                if (inChunk == chunkSize) {
                    chunkDigests.add(Sha256.hex(chunk));
                    inChunk = 0;
                }
            }
            size += read;
        }
        if (inChunk > 0) {
            chunkDigests.add(Sha256.hex(chunk));
        }
        return new AppManifest(app, version, size, Sha256.hex(whole), chunkSize, chunkDigests);
    }

    public int chunkCount() {
        return chunks.size();
    }

    public long chunkOffset(int index) {
        return (long) index * chunkSize;
    }

    public int chunkLength(int index) {
        Objects.checkIndex(index, chunks.size());
        return (int) Math.min(chunkSize, size - chunkOffset(index));
    }

    /**
     * Compact JSON with a fixed key order and no white space: the bytes that are hashed and served. Any
     * parser reads it; only this method writes it, so equal manifests always have equal bytes.
     */
    public byte[] canonicalBytes() {
        JsonStringEncoder json = JsonStringEncoder.getInstance();
        StringBuilder out = new StringBuilder(128 + chunks.size() * 67);
        out.append("{\"app\":\"").append(json.quoteAsString(app))
                .append("\",\"version\":\"").append(json.quoteAsString(version))
                .append("\",\"size\":").append(size)
                .append(",\"sha256\":\"").append(sha256)
                .append("\",\"chunkSize\":").append(chunkSize)
                .append(",\"chunks\":[");
        for (int i = 0; i < chunks.size(); i++) {
            out.append(i == 0 ? "\"" : ",\"").append(chunks.get(i)).append('"');
        }
        return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The manifest's identity: the SHA-256 of its canonical bytes. */
    public String manifestSha256() {
        return Sha256.hex(canonicalBytes());
    }

    /**
     * Parses manifest bytes received from an untrusted source and accepts them only if they hash to
     * {@code expectedSha256}.
     *
     * @throws ManifestMismatchException when the bytes do not hash to the expected identity
     */
    public static AppManifest verifyAndParse(byte[] bytes, String expectedSha256) {
        String actual = Sha256.hex(bytes);
        if (!actual.equals(expectedSha256)) {
            throw new ManifestMismatchException("manifest SHA-256 is " + actual + ", expected " + expectedSha256);
        }
        AppManifest manifest = EventCodec.decode(bytes, AppManifest.class);
        if (!manifest.manifestSha256().equals(expectedSha256)) {
            throw new ManifestMismatchException("manifest bytes are not in canonical form");
        }
        return manifest;
    }

    /** Thrown when manifest bytes do not match the identity the command asked for. */
    public static final class ManifestMismatchException extends RuntimeException {
        public ManifestMismatchException(String message) {
            super(message);
        }
    }
}
