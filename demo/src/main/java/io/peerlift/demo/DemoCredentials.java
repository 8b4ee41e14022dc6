package io.peerlift.demo;

import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.localstack.LocalIssuer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;

/**
 * The demo's own trust: a token issuer the services trust, with an admin, an operator and a viewer token written
 * to the work directory, and an Ed25519 release key pair whose private half signs the uploaded release.
 */
final class DemoCredentials {

    static final Duration TOKEN_LIFETIME = Duration.ofHours(24);

    private final LocalIssuer issuer;
    private final Path dir;
    private final String adminToken;
    private final String viewerToken;
    private final Path releasePublicKey;
    private final ReleaseSigner releaseSigner;

    private DemoCredentials(LocalIssuer issuer, Path dir, String adminToken, String viewerToken,
                            Path releasePublicKey, ReleaseSigner releaseSigner) {
        this.issuer = issuer;
        this.dir = dir;
        this.adminToken = adminToken;
        this.viewerToken = viewerToken;
        this.releasePublicKey = releasePublicKey;
        this.releaseSigner = releaseSigner;
    }

    /** Creates the issuer and the release key in {@code dir} and writes the three tokens and the signing key. */
    static DemoCredentials create(Path dir) throws IOException {
        LocalIssuer issuer = LocalIssuer.create(dir);
        String admin = issuer.token("demo-admin", "admin", TOKEN_LIFETIME);
        writeSecret(dir.resolve("admin.token"), admin);
        writeSecret(dir.resolve("operator.token"), issuer.token("demo-operator", "operator", TOKEN_LIFETIME));
        String viewer = issuer.token("demo-viewer", "viewer", TOKEN_LIFETIME);
        writeSecret(dir.resolve("viewer.token"), viewer);
        KeyPair release = ReleaseKeys.generate();
        writeSecret(dir.resolve("release-signing.key"), ReleaseKeys.toSigningKeyPem(release));
        Path publicKey = Files.writeString(dir.resolve("release-public.pem"), ReleaseKeys.toPem(release.getPublic()),
                StandardCharsets.US_ASCII);
        return new DemoCredentials(issuer, dir, admin, viewer, publicKey, new ReleaseSigner(release));
    }

    /** What each service needs to trust the demo's tokens. */
    Map<String, String> issuerConfig() {
        return issuer.quarkusConfig();
    }

    String adminToken() {
        return adminToken;
    }

    /** The dashboard for a viewer: the page takes the token from the fragment, which never reaches a server. */
    String dashboardLink(String baseUrl) {
        return baseUrl + "#token=" + viewerToken;
    }

    Path releasePublicKey() {
        return releasePublicKey;
    }

    /** The release's signature, over the manifest the repository computes from the same payload. */
    ReleaseSignature sign(AppManifest manifest) {
        return releaseSigner.sign(manifest, manifest.version());
    }

    /** The lines that tell the user where the credentials are. */
    String describe(Path repoDir) {
        Path shown = repoDir.toAbsolutePath().relativize(dir);
        return "tokens (valid " + TOKEN_LIFETIME.toHours() + " h): " + shown.resolve("admin.token") + " (admin), "
                + shown.resolve("operator.token") + " (operator), " + shown.resolve("viewer.token") + " (viewer); "
                + "release signing key " + shown.resolve("release-signing.key") + " (key "
                + releaseSigner.keyId() + "), its public half " + shown.resolve("release-public.pem")
                + " provisioned into the fleet";
    }

    private static void writeSecret(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // the file system has no POSIX permissions; the work directory is the user's own
        }
    }
}
