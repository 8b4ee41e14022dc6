package io.peerlift.events;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppManifestTest {

    @Test
    void computesTheDigestOfTheWholeAndOfEveryChunk() throws IOException {
        byte[] payload = new byte[2500];
        new Random(7).nextBytes(payload);

        AppManifest manifest = AppManifest.compute("base-system", "12.7.4", 1000, new ByteArrayInputStream(payload));

        assertThat(manifest.size()).isEqualTo(2500);
        assertThat(manifest.sha256()).isEqualTo(Sha256.hex(payload));
        assertThat(manifest.chunkCount()).isEqualTo(3);
        assertThat(manifest.chunks().get(0)).isEqualTo(Sha256.hex(payload, 0, 1000));
        assertThat(manifest.chunks().get(2)).isEqualTo(Sha256.hex(payload, 2000, 500));
        assertThat(manifest.chunkOffset(2)).isEqualTo(2000);
        assertThat(manifest.chunkLength(2)).isEqualTo(500);
    }

    @Test
    void anEmptyPayloadHasNoChunks() throws IOException {
        AppManifest manifest = AppManifest.compute("base-system", "12.7.4", 1000, new ByteArrayInputStream(new byte[0]));

        assertThat(manifest.chunkCount()).isZero();
        assertThat(manifest.sha256()).isEqualTo(Sha256.hex(new byte[0]));
    }

    @Test
    void canonicalBytesParseBackAndVerifyAgainstTheirIdentity() throws IOException {
        AppManifest manifest = AppManifest.compute("base-system", "12.7.4", 4, new ByteArrayInputStream("0123456789".getBytes()));
        byte[] bytes = manifest.canonicalBytes();

        AppManifest parsed = AppManifest.verifyAndParse(bytes, manifest.manifestSha256());

        assertThat(parsed).isEqualTo(manifest);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"app\":\"base-system\",\"version\":\"12.7.4\",\"size\":10,");
    }

    @Test
    void aTamperedManifestIsRejected() throws IOException {
        AppManifest manifest = AppManifest.compute("base-system", "12.7.4", 4, new ByteArrayInputStream("0123456789".getBytes()));
        byte[] tampered = new String(manifest.canonicalBytes(), StandardCharsets.UTF_8).replace("\"size\":10", "\"size\":9")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> AppManifest.verifyAndParse(tampered, manifest.manifestSha256()))
                .isInstanceOf(AppManifest.ManifestMismatchException.class);
    }

    @Test
    void nonCanonicalBytesWithTheRightHashAreStillRejected() throws IOException {
        AppManifest manifest = AppManifest.compute("base-system", "12.7.4", 4, new ByteArrayInputStream("0123456789".getBytes()));
        byte[] spaced = new String(manifest.canonicalBytes(), StandardCharsets.UTF_8).replace(",", ", ")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> AppManifest.verifyAndParse(spaced, Sha256.hex(spaced)))
                .isInstanceOf(AppManifest.ManifestMismatchException.class).hasMessageContaining("canonical");
    }

    @Test
    void inconsistentManifestsAndUnsafeNamesAreRejected() {
        String h = "b".repeat(64);
        assertThatThrownBy(() -> new AppManifest("base-system", "12.7.4", 10, h, 4, java.util.List.of(h)))
                .hasMessageContaining("has 3 chunks");
        assertThatThrownBy(() -> new AppManifest("../etc", "12.7.4", 0, h, 4, java.util.List.of()))
                .hasMessageContaining("app name '../etc' is invalid");
        assertThatThrownBy(() -> new AppManifest("base-system", "12.x", 0, h, 4, java.util.List.of()))
                .hasMessageContaining("invalid part 'x'");
    }
}
