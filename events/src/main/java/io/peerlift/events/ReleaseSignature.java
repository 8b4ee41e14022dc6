package io.peerlift.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A release key's signature of a manifest: it vouches for the app, the version, the payload's SHA-256 and every
 * chunk digest (all through the {@linkplain AppManifest#manifestSha256() manifest's identity}, the SHA-256 of its
 * canonical bytes) and for {@code minimumVersion}, the oldest version a device that installed this release may
 * go back to (anti-rollback). The repository keeps it beside the manifest and serves it; so do peers.
 *
 * @param keyId          the {@linkplain ReleaseKeys#keyId key id} of the signing key
 * @param minimumVersion a version not above the release's own
 * @param signature      Ed25519 over {@link #signedBytes}, Base64
 */
public record ReleaseSignature(String keyId, String minimumVersion, String signature) {

    /** The HTTP header that carries the signature of an upload: {@code keyId=…; minimumVersion=…; signature=…}. */
    public static final String HEADER = "Peerlift-Release-Signature";

    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
    private static final String STATEMENT_PREFIX = "peerlift-release-v1\n";

    public ReleaseSignature {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("release key id '" + keyId + "' is not 16 lower-case hex digits");
        }
        OsVersion.parse(minimumVersion);
        Objects.requireNonNull(signature, "signature");
        try {
            Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("release signature is not Base64: " + e.getMessage(), e);
        }
    }

    /**
     * The bytes a release key signs: a fixed prefix, the app, the version, the manifest's identity and the minimum
     * version, one per line. App names and versions hold no line breaks, so no two statements share their bytes.
     */
    public static byte[] signedBytes(AppManifest manifest, String minimumVersion) {
        return signedBytes(AppRef.of(manifest), minimumVersion);
    }

    /** The same bytes for a release named by its identity (what an Upgrade command names). */
    public static byte[] signedBytes(AppRef release, String minimumVersion) {
        return (STATEMENT_PREFIX + release.app() + "\n" + release.version() + "\n" + release.manifestSha256()
                + "\n" + minimumVersion + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public byte[] signatureBytes() {
        return Base64.getDecoder().decode(signature);
    }

    /** The value of {@link #HEADER}. */
    public String toHeader() {
        return "keyId=" + keyId + "; minimumVersion=" + minimumVersion + "; signature=" + signature;
    }

    /**
     * Reads a signature file: the JSON the repository serves at {@code /api/apps/{app}/{version}/signature}.
     *
     * @throws IOException when the file cannot be read or holds no valid signature, saying which file
     */
    public static ReleaseSignature read(Path file) throws IOException {
        try {
            return EventCodec.decode(Files.readAllBytes(file), ReleaseSignature.class);
        } catch (EventCodec.MalformedMessageException e) {
            throw new IOException(file + " is not a release signature (the JSON the repository serves at"
                    + " .../signature): " + e.getMessage(), e);
        }
    }

    /** Writes this signature as {@link #read} reads it. */
    public Path write(Path file) throws IOException {
        return Files.writeString(file, EventCodec.encode(this), StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException naming what is missing or malformed in the header value */
    public static ReleaseSignature fromHeader(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(HEADER + " is required: keyId=...; minimumVersion=...; signature=...");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : value.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(HEADER + " part '" + part.strip() + "' is not name=value");
            }
            fields.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        for (String name : new String[]{"keyId", "minimumVersion", "signature"}) {
            if (!fields.containsKey(name)) {
                throw new IllegalArgumentException(HEADER + " lacks " + name + "=");
            }
        }
        return new ReleaseSignature(fields.get("keyId"), fields.get("minimumVersion"), fields.get("signature"));
    }
}
