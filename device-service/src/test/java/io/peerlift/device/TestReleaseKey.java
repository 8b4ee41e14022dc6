package io.peerlift.device;

import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The release key the tests' devices are provisioned to trust (one per test JVM unless {@link #SHARED_KEY_PROPERTY}
 * names one), like bin/demo's
 * {@code release-signing.key}: its public half goes into {@code peerlift.device.trusted-release-keys}, its private
 * half signs the releases the tests command.
 */
public final class TestReleaseKey {

    private static final ReleaseSigner SIGNER;
    private static final Path PUBLIC_KEY_FILE;

    /** A signing key file (PEM) that test JVMs meant to trust each other share, instead of a key of their own. */
    public static final String SHARED_KEY_PROPERTY = "peerlift.test.release-signing-key";

    static {
        try {
            String shared = System.getProperty(SHARED_KEY_PROPERTY);
            var keys = shared == null ? ReleaseKeys.generate() : ReleaseKeys.readSigningKey(Path.of(shared));
            SIGNER = new ReleaseSigner(keys);
            PUBLIC_KEY_FILE = Files.writeString(Files.createTempFile("peerlift-test-release", ".pem"),
                    ReleaseKeys.toPem(keys.getPublic()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PUBLIC_KEY_FILE.toFile().deleteOnExit();
    }

    private TestReleaseKey() {
    }

    /** The PEM file of the trusted public key. */
    public static Path publicKeyFile() {
        return PUBLIC_KEY_FILE;
    }

    /** The signature the repository would have accepted for this release, its own version as the minimum. */
    public static ReleaseSignature sign(AppManifest manifest) {
        return sign(manifest, manifest.version());
    }

    /** The same with another anti-rollback floor. */
    public static ReleaseSignature sign(AppManifest manifest, String minimumVersion) {
        return SIGNER.sign(manifest, minimumVersion);
    }
}
