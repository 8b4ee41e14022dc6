package io.peerlift.events;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseSignatureTest {

    private static final KeyPair RELEASE_KEY = ReleaseKeys.generate();
    private final ReleaseSigner signer = new ReleaseSigner(RELEASE_KEY);
    private final TrustedReleaseKeys trusted = new TrustedReleaseKeys(List.of(RELEASE_KEY.getPublic()));

    @Test
    void aTrustedKeysSignatureOverTheManifestVerifies() throws IOException {
        AppManifest manifest = manifest("12.7.4", 7);
        ReleaseSignature signature = signer.sign(manifest, "12.7.0");

        assertThat(signature.keyId()).isEqualTo(ReleaseKeys.keyId(RELEASE_KEY.getPublic()));
        assertThatCode(() -> trusted.verify(manifest, signature)).doesNotThrowAnyException();
    }

    @Test
    void theSignatureVerifiesOverTheReleasesIdentityAsACommandNamesIt() throws IOException {
        AppManifest manifest = manifest("12.7.4", 7);
        ReleaseSignature signature = signer.sign(manifest, "12.7.0");
        AppRef named = new AppRef("base-system", "12.7.4", manifest.manifestSha256());

        assertThatCode(() -> trusted.verify(named, signature)).doesNotThrowAnyException();
        assertThatThrownBy(() -> trusted.verify(new AppRef("base-system", "12.9.0", manifest.manifestSha256()),
                signature)).hasMessageContaining("does not match this manifest");
        assertThatThrownBy(() -> trusted.verify(new AppRef("base-system", "12.7.4", manifest("12.7.4", 8)
                .manifestSha256()), signature)).hasMessageContaining("does not match this manifest");
    }

    @Test
    void aSignatureOfOnePayloadDoesNotVouchForAnother() throws IOException {
        ReleaseSignature signature = signer.sign(manifest("12.7.4", 7), "12.7.4");

        assertThatThrownBy(() -> trusted.verify(manifest("12.7.4", 8), signature))
                .isInstanceOf(TrustedReleaseKeys.UntrustedReleaseException.class)
                .hasMessageContaining("does not match this manifest");
    }

    @Test
    void aTamperedSignatureOrMinimumVersionIsRefused() throws IOException {
        AppManifest manifest = manifest("12.7.4", 7);
        ReleaseSignature signature = signer.sign(manifest, "12.7.4");
        byte[] flipped = signature.signatureBytes();
        flipped[5] ^= 1;

        assertThatThrownBy(() -> trusted.verify(manifest, new ReleaseSignature(signature.keyId(),
                signature.minimumVersion(), Base64.getEncoder().encodeToString(flipped))))
                .isInstanceOf(TrustedReleaseKeys.UntrustedReleaseException.class);
        // Lowering the signed anti-rollback floor breaks the signature too.
        assertThatThrownBy(() -> trusted.verify(manifest, new ReleaseSignature(signature.keyId(), "11.11.150",
                signature.signature())))
                .isInstanceOf(TrustedReleaseKeys.UntrustedReleaseException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void aValidSignatureByAnUntrustedKeyIsRefused() throws IOException {
        AppManifest manifest = manifest("12.7.4", 7);
        ReleaseSignature foreign = new ReleaseSigner(ReleaseKeys.generate()).sign(manifest, "12.7.4");

        assertThatThrownBy(() -> trusted.verify(manifest, foreign))
                .isInstanceOf(TrustedReleaseKeys.UntrustedReleaseException.class)
                .hasMessageContaining("not a trusted release key");
        assertThatThrownBy(() -> trusted.verify(manifest, null)).hasMessageContaining("is not signed");
    }

    @Test
    void theMinimumVersionCannotExceedTheRelease() throws IOException {
        assertThatThrownBy(() -> signer.sign(manifest("12.7.4", 7), "12.8.0"))
                .hasMessageContaining("above the release's own");
    }

    @Test
    void theHeaderCarriesTheSignatureAndMalformedOnesAreNamed() throws IOException {
        ReleaseSignature signature = signer.sign(manifest("12.7.4", 7), "12.7.4");

        assertThat(ReleaseSignature.fromHeader(signature.toHeader())).isEqualTo(signature);
        assertThatThrownBy(() -> ReleaseSignature.fromHeader(null)).hasMessageContaining("is required");
        assertThatThrownBy(() -> ReleaseSignature.fromHeader("keyId=" + signature.keyId() + "; signature=AAAA"))
                .hasMessageContaining("lacks minimumVersion=");
        assertThatThrownBy(() -> ReleaseSignature.fromHeader("keyId=xyz; minimumVersion=12.7.4; signature=AAAA"))
                .hasMessageContaining("not 16 lower-case hex digits");
    }

    @Test
    void signingKeyFilesRoundTripAsPem() throws IOException {
        Path dir = Files.createTempDirectory("release-keys");
        Path signingKey = Files.writeString(dir.resolve("release-signing.key"), ReleaseKeys.toSigningKeyPem(RELEASE_KEY));
        Path publicKey = Files.writeString(dir.resolve("release.pub"), ReleaseKeys.toPem(RELEASE_KEY.getPublic()));
        AppManifest manifest = manifest("12.7.4", 7);

        ReleaseSignature signature = ReleaseSigner.fromKeyFile(signingKey).sign(manifest, "12.7.4");

        assertThatCode(() -> TrustedReleaseKeys.fromFiles(List.of(publicKey)).verify(manifest, signature))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> ReleaseKeys.readSigningKey(publicKey)).hasMessageContaining("PRIVATE KEY");
    }

    private static AppManifest manifest(String version, long seed) throws IOException {
        byte[] payload = new byte[3000];
        new Random(seed).nextBytes(payload);
        return AppManifest.compute("base-system", version, 1024, new ByteArrayInputStream(payload));
    }
}
