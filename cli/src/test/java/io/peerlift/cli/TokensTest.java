package io.peerlift.cli;

import io.peerlift.cli.client.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokensTest {

    @TempDir
    Path home;

    @Test
    void theFlagThenTheVariableThenAFileThenTheDemosToken() throws IOException {
        Files.createDirectories(home.resolve("var/demo"));
        Files.writeString(home.resolve("var/demo/admin.token"), "demo-token\n");
        Path file = Files.writeString(home.resolve("mine.token"), "  file-token \n");
        Map<String, String> env = Map.of(Tokens.TOKEN_VARIABLE, "env-token");

        assertThat(Tokens.resolve("flag-token", file, env, home)).isEqualTo("flag-token");
        assertThat(Tokens.resolve(null, file, env, home)).isEqualTo("env-token");
        assertThat(Tokens.resolve(null, file, Map.of(), home)).isEqualTo("file-token");
        assertThat(Tokens.resolve(null, null, Map.of(Tokens.TOKEN_FILE_VARIABLE, file.toString()), home)).isEqualTo("file-token");
        assertThat(Tokens.resolve(null, null, Map.of(), home)).isEqualTo("demo-token");
        assertThat(Tokens.resolve(null, null, Map.of(), home.resolve("elsewhere"))).isNull();
    }

    @Test
    void aTokenFileThatCannotBeReadIsAnAuthenticationProblem() {
        assertThatThrownBy(() -> Tokens.resolve(null, home.resolve("missing.token"), Map.of(), home))
                .isInstanceOf(CliException.class)
                .hasMessageStartingWith("cannot read the token file " + home.resolve("missing.token"))
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCode.AUTH);
    }
}
