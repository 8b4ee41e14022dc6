package io.peerlift.cli.command;

import io.peerlift.cli.ExitCode;
import io.peerlift.cli.Peerlift;
import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.events.TrustedReleaseKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** {@code peerlift apps keygen}: a pair that signs what the repository and the devices then accept. */
class KeygenTest {

    @TempDir
    Path home;

    @Test
    void theGeneratedPairSignsReleasesItsPublicHalfVerifiesAndAnotherRunOverwritesNothing() throws IOException {
        Path dir = home.resolve("keys");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Peerlift.execute(Map.of(), home, new PrintWriter(out), new PrintWriter(err), "apps", "keygen",
                dir.toString())).as(err.toString()).isEqualTo(ExitCode.OK.code());

        Path signingKey = dir.resolve("release-signing.key");
        Path publicKey = dir.resolve("release-public.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(signingKey))).isEqualTo("rw-------");
        ReleaseSigner signer = ReleaseSigner.fromKeyFile(signingKey);
        assertThat(out.toString()).contains("release key " + signer.keyId());
        AppManifest manifest = AppManifest.compute("base-system", "12.7.4", AppManifest.DEFAULT_CHUNK_SIZE,
                new ByteArrayInputStream(new byte[100_000]));
        TrustedReleaseKeys trusted = TrustedReleaseKeys.fromFiles(List.of(publicKey));
        assertThatCode(() -> trusted.verify(manifest, signer.sign(manifest, "12.7.4"))).doesNotThrowAnyException();

        String signingKeyBefore = Files.readString(signingKey);
        StringWriter again = new StringWriter();
        assertThat(Peerlift.execute(Map.of(), home, new PrintWriter(new StringWriter()), new PrintWriter(again),
                "apps", "keygen", dir.toString())).isEqualTo(ExitCode.USAGE.code());
        assertThat(again.toString()).contains(signingKey + " exists: a release key is never overwritten here");
        assertThat(Files.readString(signingKey)).isEqualTo(signingKeyBefore);
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsAUsageError() throws IOException {
        Path notADirectory = Files.writeString(home.resolve("keys"), "not a directory");
        StringWriter err = new StringWriter();
        assertThat(Peerlift.execute(Map.of(), home, new PrintWriter(new StringWriter()), new PrintWriter(err), "apps",
                "keygen", notADirectory.toString())).isEqualTo(ExitCode.USAGE.code());
        assertThat(err.toString()).contains(notADirectory + " is not a directory");
    }
}
