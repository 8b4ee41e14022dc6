package io.peerlift.events;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The release keys a party trusts, from its own configuration (never from a message): the repository before it
 * accepts an upload, a device before it installs or serves a release.
 */
public final class TrustedReleaseKeys {

    private final Map<String, PublicKey> byId;

    public TrustedReleaseKeys(Collection<PublicKey> keys) {
        this.byId = keys.stream().collect(Collectors.toUnmodifiableMap(ReleaseKeys::keyId, Function.identity(),
                (a, b) -> a));
    }

    /** The keys of PEM public key files. */
    public static TrustedReleaseKeys fromFiles(Collection<Path> pemFiles) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : pemFiles) {
            keys.add(ReleaseKeys.readPublicKey(file));
        }
        return new TrustedReleaseKeys(keys);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }

    /**
     * Accepts the signature only if a trusted key made it over exactly this manifest and minimum version.
     *
     * @throws UntrustedReleaseException saying why: no signature, an unknown key, or a signature that does not verify
     */
    public void verify(AppManifest manifest, ReleaseSignature signature) {
        verify(AppRef.of(manifest), signature);
    }

    /**
     * The same check for a release named by its manifest's identity, before its manifest is fetched: a manifest
     * whose SHA-256 is {@code release.manifestSha256()} is then the signed one, and its chunk digests with it.
     *
     * @throws UntrustedReleaseException saying why: no signature, an unknown key, or a signature that does not verify
     */
    public void verify(AppRef release, ReleaseSignature signature) {
        String name = release.app() + " " + release.version();
        if (byId.isEmpty()) {
            throw new UntrustedReleaseException("no release key is trusted here (none is provisioned), so " + name
                    + " cannot be checked and is refused");
        }
        if (signature == null) {
            throw new UntrustedReleaseException(name + " is not signed");
        }
        PublicKey key = byId.get(signature.keyId());
        if (key == null) {
            throw new UntrustedReleaseException(name + " is signed by key " + signature.keyId()
                    + ", which is not a trusted release key (trusted: " + String.join(", ", byId.keySet()) + ")");
        }
        if (OsVersion.parse(signature.minimumVersion()).compareTo(OsVersion.parse(release.version())) > 0) {
            throw new UntrustedReleaseException(name + " names a minimum version " + signature.minimumVersion()
                    + " above its own");
        }
        try {
            Signature ed25519 = Signature.getInstance(ReleaseKeys.ALGORITHM);
            ed25519.initVerify(key);
            ed25519.update(ReleaseSignature.signedBytes(release, signature.minimumVersion()));
            if (!ed25519.verify(signature.signatureBytes())) {
                throw new UntrustedReleaseException("the signature of " + name + " by key " + signature.keyId()
                        + " does not match this manifest (manifest " + release.manifestSha256()
                        + "): the payload or the signature was changed");
            }
        } catch (java.security.SignatureException e) {
            throw new UntrustedReleaseException("the signature of " + name + " is malformed: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot verify Ed25519 signatures: " + e.getMessage(), e);
        }
    }

    /** A release that no trusted key vouches for. */
    public static final class UntrustedReleaseException extends RuntimeException {
        public UntrustedReleaseException(String message) {
            super(message);
        }
    }
}
