package io.peerlift.events;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Signs releases with a private Ed25519 release key: what {@code bin/demo} and the CLI use before an upload. The
 * manifest to sign is the one the repository computes from the same payload ({@link AppManifest#compute} with the
 * repository's chunk size), so the repository can check the signature against what it received.
 */
public final class ReleaseSigner {

    private final PrivateKey privateKey;
    private final String keyId;

    public ReleaseSigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.keyId = ReleaseKeys.keyId(publicKey);
    }

    public ReleaseSigner(KeyPair keys) {
        this(keys.getPrivate(), keys.getPublic());
    }

    /** A signer for a signing key file ({@link ReleaseKeys#readSigningKey}). */
    public static ReleaseSigner fromKeyFile(Path pemFile) throws IOException {
        return new ReleaseSigner(ReleaseKeys.readSigningKey(pemFile));
    }

    public String keyId() {
        return keyId;
    }

    /**
     * @param minimumVersion the oldest version a device may return to after installing this release; not above
     *                       the manifest's version
     */
    public ReleaseSignature sign(AppManifest manifest, String minimumVersion) {
        if (OsVersion.parse(minimumVersion).compareTo(OsVersion.parse(manifest.version())) > 0) {
            throw new IllegalArgumentException("minimum version " + minimumVersion + " is above the release's own "
                    + manifest.version());
        }
        try {
            Signature ed25519 = Signature.getInstance(ReleaseKeys.ALGORITHM);
            ed25519.initSign(privateKey);
            ed25519.update(ReleaseSignature.signedBytes(manifest, minimumVersion));
            return new ReleaseSignature(keyId, minimumVersion, Base64.getEncoder().encodeToString(ed25519.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the release key: " + e.getMessage(), e);
        }
    }
}
