package io.peerlift.device.service;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.device.config.FleetConfig;
import io.peerlift.device.download.ChunkStore;
import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.events.TrustedReleaseKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A simulated fleet's initial peers hold their package only if a trusted release key signed it, as a device that
 * upgraded does: a forged or foreign seed stops the fleet at start, with the reason, and nothing is stored.
 */
class SeedPackageImportTest {

    private static final String APP = "base-system";
    private static final String VERSION = "12.7.4";

    @TempDir
    Path dir;
    private Path payload;
    private AppManifest manifest;
    private ChunkStore store;
    private TrustedReleaseKeys trusted;

    @BeforeEach
    void seed() throws IOException {
        byte[] bytes = new byte[(3 << 20) + 17];
        new Random(7).nextBytes(bytes);
        payload = Files.write(dir.resolve("seed.bin"), bytes);
        try (InputStream in = Files.newInputStream(payload)) {
            manifest = AppManifest.compute(APP, VERSION, AppManifest.DEFAULT_CHUNK_SIZE, in);
        }
        store = new ChunkStore(dir.resolve("store"));
        trusted = TrustedReleaseKeys.fromFiles(List.of(TestReleaseKey.publicKeyFile()));
    }

    @Test
    void aSeedSignedByATrustedKeyIsStoredWhole() throws IOException {
        Path signature = TestReleaseKey.sign(manifest).write(dir.resolve("seed.signature.json"));

        var signed = SeedPackageImport.importSigned(store, trusted, seed(signature));
        var stored = signed.stored();

        assertThat(stored.isComplete()).isTrue();
        assertThat(stored.manifest().manifestSha256()).isEqualTo(manifest.manifestSha256());
        assertThat(signed.signature()).as("what the initial peers serve beside the manifest")
                .isEqualTo(TestReleaseKey.sign(manifest));
    }

    @Test
    void aSeedSignedByAnUntrustedKeyIsRefusedAndNothingIsStored() throws IOException {
        ReleaseSigner stranger = new ReleaseSigner(ReleaseKeys.generate());
        Path signature = stranger.sign(manifest, VERSION).write(dir.resolve("seed.signature.json"));

        assertThatThrownBy(() -> SeedPackageImport.importSigned(store, trusted, seed(signature)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a release the devices trust")
                .hasMessageContaining("not a trusted release key");
        assertThat(store.find(manifest.manifestSha256())).isEmpty();
    }

    @Test
    void aSeedWhosePayloadWasChangedAfterSigningIsRefused() throws IOException {
        Path signature = TestReleaseKey.sign(manifest).write(dir.resolve("seed.signature.json"));
        byte[] tampered = Files.readAllBytes(payload);
        tampered[5 << 10] ^= 1;
        Files.write(payload, tampered);

        assertThatThrownBy(() -> SeedPackageImport.importSigned(store, trusted, seed(signature)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not match this manifest");
    }

    @Test
    void aMissingOrMalformedSignatureFileIsNamed() throws IOException {
        assertThatThrownBy(() -> SeedPackageImport.importSigned(store, trusted, seed(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("peerlift.fleet.seed-package.signature-file is required");
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"keyId\": \"nope\"}");
        assertThatThrownBy(() -> SeedPackageImport.importSigned(store, trusted, seed(garbage)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(garbage + " is not a release signature");
    }

    @Test
    void theSignatureFileReadsBackAsWritten() throws IOException {
        ReleaseSignature signature = TestReleaseKey.sign(manifest);
        assertThat(ReleaseSignature.read(signature.write(dir.resolve("s.json")))).isEqualTo(signature);
    }

    private FleetConfig.SeedPackage seed(Path signatureFile) {
        return new FleetConfig.SeedPackage() {
            @Override
            public Optional<Path> file() {
                return Optional.of(payload);
            }

            @Override
            public Optional<Path> signatureFile() {
                return Optional.ofNullable(signatureFile);
            }

            @Override
            public String app() {
                return APP;
            }

            @Override
            public String version() {
                return VERSION;
            }
        };
    }
}
