package io.peerlift.cli;

/** The CLI's own refusal (an unknown folder path, an ambiguous rollout id, a token file it cannot read). */
public final class CliException extends RuntimeException {

    private final ExitCode exitCode;

    public CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
