package io.peerlift.cli.command;

import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;

import java.time.Duration;
import java.util.Locale;

/** Durations as people type them: {@code 90s}, {@code 15m}, {@code 2h}, or plain seconds. */
final class Durations {

    private Durations() {
    }

    static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (value.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            if (value.matches("\\d+(ms|s|m|h)")) {
                long amount = Long.parseLong(value.replaceAll("\\D", ""));
                return switch (value.replaceAll("\\d", "")) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
        } catch (NumberFormatException tooLarge) {
            // falls through to the refusal
        }
        throw new CliException(ExitCode.USAGE, "'" + text + "' is not a duration: write e.g. 90s, 15m, 2h");
    }
}
