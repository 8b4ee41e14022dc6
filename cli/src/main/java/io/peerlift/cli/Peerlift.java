package io.peerlift.cli;

import io.peerlift.cli.client.ApiClient;
import io.peerlift.cli.client.ApiException;
import io.peerlift.cli.client.ProfileClient;
import io.peerlift.cli.client.RepositoryClient;
import io.peerlift.cli.client.RolloutClient;
import io.peerlift.cli.client.ServiceUnreachableException;
import io.peerlift.cli.client.Tokens;
import io.peerlift.cli.command.AppsCommand;
import io.peerlift.cli.command.DeadLettersCommand;
import io.peerlift.cli.command.DevicesCommand;
import io.peerlift.cli.command.FoldersCommand;
import io.peerlift.cli.command.ProfilesCommand;
import io.peerlift.cli.command.RolloutsCommand;
import io.peerlift.cli.output.Format;
import io.peerlift.cli.output.Output;
import io.peerlift.events.EventCodec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code bin/peerlift}: the admin's command line over the services' REST APIs, with the same tokens and roles.
 * Options marked global may stand anywhere on the line; their defaults are the demo's.
 */
@Command(name = "peerlift", mixinStandardHelpOptions = true, version = "peerlift 0.1.0",
        description = "Folders, devices, profiles, releases and rollouts of a Peerlift installation.",
        subcommands = {FoldersCommand.class, DevicesCommand.class, ProfilesCommand.class, AppsCommand.class,
                RolloutsCommand.class, DeadLettersCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n")
public final class Peerlift {

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "JWT",
            description = "Bearer token (else PEERLIFT_TOKEN, --token-file, or the demo's var/demo/admin.token).")
    String token;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "File holding the bearer token (else PEERLIFT_TOKEN_FILE).")
    Path tokenFile;

    @Option(names = "--profile-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:PEERLIFT_PROFILE_URL:-http://127.0.0.1:8081}",
            description = "profile-service (PEERLIFT_PROFILE_URL; default ${DEFAULT-VALUE}).")
    String profileUrl;

    @Option(names = "--rollout-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:PEERLIFT_ROLLOUT_URL:-http://127.0.0.1:8083}",
            description = "rollout-service (PEERLIFT_ROLLOUT_URL; default ${DEFAULT-VALUE}).")
    String rolloutUrl;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "text|json", defaultValue = "text",
            description = "text for people, json (one document on standard output) for scripts.")
    Format format;

    private final Map<String, String> environment;
    private final Path home;
    private final HttpClient http = ApiClient.newHttpClient();
    private String resolvedToken;

    Peerlift(Map<String, String> environment, Path home) {
        this.environment = environment;
        this.home = home;
    }

    public static void main(String[] args) {
        String home = System.getProperty("peerlift.home");
        System.exit(execute(System.getenv(), home == null ? null : Path.of(home), new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), args));
    }

    /** Runs one command line and returns its exit code ({@link ExitCode}); what tests and bin/demo call. */
    public static int execute(Map<String, String> environment, Path home, PrintWriter out, PrintWriter err,
                              String... args) {
        CommandLine commandLine = new CommandLine(new Peerlift(environment, home));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(Peerlift::exitCode);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("peerlift: " + e.getMessage());
            err.flush();
            if (e instanceof ApiException refusal && refusal.status() / 100 == 5) {
                err.println("(the service's log has the cause)");
            }
            return exitCode(e);
        });
        commandLine.getCommandSpec().usageMessage().exitCodeList(ExitCode.helpList());
        return commandLine.execute(args);
    }

    private static int exitCode(Throwable e) {
        if (e instanceof ApiException refusal) {
            return ExitCode.of(refusal).code();
        }
        if (e instanceof ServiceUnreachableException) {
            return ExitCode.UNREACHABLE.code();
        }
        if (e instanceof CliException own) {
            return own.exitCode().code();
        }
        if (e instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE.code();
        }
        return ExitCode.ERROR.code();
    }

    private String token() {
        if (resolvedToken == null) {
            resolvedToken = Tokens.resolve(token, tokenFile, environment, home);
        }
        return resolvedToken;
    }

    public ProfileClient profiles() {
        return new ProfileClient(new ApiClient(http, "profile-service", profileUrl, token()));
    }

    public RolloutClient rollouts() {
        return new RolloutClient(new ApiClient(http, "rollout-service", rolloutUrl, token()));
    }

    public RepositoryClient repository() {
        return new RepositoryClient(new ApiClient(http, "rollout-service", rolloutUrl, token()));
    }

    /** Where results go, in the format asked for, on the streams of {@code commandLine}. */
    public Output output(CommandLine commandLine) {
        return new Output(format, commandLine.getOut(), commandLine.getErr(), EventCodec.mapper());
    }
}
