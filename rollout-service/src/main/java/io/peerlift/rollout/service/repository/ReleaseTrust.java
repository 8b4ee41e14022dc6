package io.peerlift.rollout.service.repository;

import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.TrustedReleaseKeys;
import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.support.problem.ProblemException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The release keys the repository accepts uploads from, read once from the configured PEM files
 * ({@link RolloutConfig.Repository#trustedReleaseKeys()}); never from a request.
 */
@Startup // a missing or unreadable key file stops the service at start, not at the first upload
@ApplicationScoped
public class ReleaseTrust {

    private final TrustedReleaseKeys keys;

    ReleaseTrust(RolloutConfig config) {
        List<Path> files = config.repository().trustedReleaseKeys().orElse(List.of());
        try {
            this.keys = TrustedReleaseKeys.fromFiles(files);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the trusted release keys " + files
                    + " (peerlift.rollout.repository.trusted-release-keys): " + e.getMessage(), e);
        }
    }

    /** Refuses, before any byte is read, a signature by a key the repository does not trust (403). */
    public void requireTrustedKey(String app, String version, ReleaseSignature signature) {
        if (keys.isEmpty()) {
            throw new ProblemException(403, "untrusted-release-key", "Untrusted release key", app + " " + version
                    + " is signed by key " + signature.keyId() + ", but the repository trusts no release key: configure"
                    + " peerlift.rollout.repository.trusted-release-keys");
        }
        if (!keys.keyIds().contains(signature.keyId())) {
            throw new ProblemException(403, "untrusted-release-key", "Untrusted release key", app + " " + version
                    + " is signed by key " + signature.keyId() + ", which is not a trusted release key (trusted: "
                    + String.join(", ", keys.keyIds().stream().sorted().toList()) + ")");
        }
    }

    /** Refuses a signature that does not vouch for exactly this manifest (422): the payload or signature changed. */
    public void verify(AppManifest manifest, ReleaseSignature signature) {
        requireTrustedKey(manifest.app(), manifest.version(), signature);
        try {
            keys.verify(manifest, signature);
        } catch (TrustedReleaseKeys.UntrustedReleaseException e) {
            throw new ProblemException(422, "release-signature-mismatch", "Release signature does not match",
                    e.getMessage());
        }
    }
}
