package io.peerlift.cli.client;

import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the bearer token comes from, first match wins: {@code --token}, {@code PEERLIFT_TOKEN}, the file of
 * {@code --token-file} or {@code PEERLIFT_TOKEN_FILE}, the demo's admin token ({@code var/demo/admin.token} of
 * the checkout, written by {@code bin/demo}). None at all is allowed: the service's 401 then says what to do.
 */
public final class Tokens {

    public static final String TOKEN_VARIABLE = "PEERLIFT_TOKEN";
    public static final String TOKEN_FILE_VARIABLE = "PEERLIFT_TOKEN_FILE";
    public static final Path DEMO_TOKEN = Path.of("var", "demo", "admin.token");

    private Tokens() {
    }

    /**
     * @param home the checkout bin/peerlift runs from (its demo token is the fallback), or null
     */
    public static String resolve(String token, Path tokenFile, Map<String, String> environment, Path home) {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        String fromEnvironment = environment.get(TOKEN_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        Path file = tokenFile != null ? tokenFile
                : environment.containsKey(TOKEN_FILE_VARIABLE) ? Path.of(environment.get(TOKEN_FILE_VARIABLE)) : null;
        if (file != null) {
            return read(file);
        }
        Path demo = home == null ? DEMO_TOKEN : home.resolve(DEMO_TOKEN);
        return Files.isReadable(demo) ? read(demo) : null;
    }

    private static String read(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.isEmpty()) {
                throw new CliException(ExitCode.AUTH, "the token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new CliException(ExitCode.AUTH, "cannot read the token file " + file + ": " + e.getMessage());
        }
    }
}
