package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;
import io.peerlift.cli.Peerlift;
import io.peerlift.cli.client.ApiException;
import io.peerlift.cli.client.ProfileClient;
import io.peerlift.cli.client.RolloutClient;
import io.peerlift.cli.output.Output;
import io.peerlift.cli.output.Progress;
import io.peerlift.cli.output.RolloutLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code peerlift rollouts ...}: create rollouts, follow them, and steer them. */
@Command(name = "rollouts", mixinStandardHelpOptions = true,
        description = "Rollouts of a release to a folder's devices. ROLLOUT is the id or its first characters.")
public final class RolloutsCommand {

    private static final Duration POLL = Duration.ofSeconds(1);

    @ParentCommand
    Peerlift peerlift;

    @Spec
    CommandSpec spec;

    /** {@code --wait} and {@code --timeout}, the same on every command that changes a rollout. */
    public static final class WaitOptions {
        @Option(names = "--wait", description = "Follow the rollout until it rests; the exit code tells how it ended.")
        boolean await;
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "6h",
                description = "How long --wait follows it (default ${DEFAULT-VALUE}).")
        String timeout;
    }

    /** {@code --force} and {@code --reason}: a start past the folder's consistency errors, and why. */
    public static final class ForceOptions {
        @Option(names = "--force", description = "Start even though the folder's consistency report has errors "
                + "(needs --reason; the rollout and the audit trail keep it).")
        boolean force;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why --force is right here.")
        String reason;

        void check() {
            if (force && (reason == null || reason.isBlank())) {
                throw new CliException(ExitCode.USAGE, "--force needs --reason: say why the folder's consistency "
                        + "errors may be ignored");
            }
        }
    }

    @Command(name = "list", description = "Lists the rollouts, newest first, without the archived ones.")
    int list(@Option(names = "--archived", description = "Include the archived rollouts.") boolean archived) {
        JsonNode rollouts = peerlift.rollouts().list(archived);
        Output out = output();
        out.result(rollouts, () -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : rollouts) {
                JsonNode counts = r.path("deviceCounts");
                rows.add(List.of(r.path("id").asText(), r.path("state").asText(), r.path("app").asText() + " "
                                + r.path("version").asText(), Output.cell(r, "folderId"), Output.cell(r, "devices"),
                        counts.path("UPGRADED").asText("0"), counts.path("FAILED").asText("0"), Output.cell(r, "createdAt")));
            }
            out.table(List.of("ID", "STATE", "RELEASE", "FOLDER", "DEVICES", "UPGRADED", "FAILED", "CREATED"), rows);
        });
        return ExitCode.OK.code();
    }

    @Command(name = "show", description = "A rollout, its subnets, and (with --devices) its devices in a state.")
    int show(@Parameters(paramLabel = "ROLLOUT") String ref,
             @Option(names = "--devices", paramLabel = "STATE", arity = "0..1", fallbackValue = "",
                     description = "List its devices, all or those in STATE (PENDING, INELIGIBLE, FAILED, ...).")
             String deviceState,
             @Option(names = "--limit", defaultValue = "1000", description = "At most this many devices (default ${DEFAULT-VALUE}).")
             int limit,
             @Mixin WaitOptions wait) throws InterruptedException {
        RolloutClient rollouts = peerlift.rollouts();
        String id = resolve(rollouts, ref);
        if (wait.await) {
            return follow(rollouts, id, RolloutOutcome.COMPLETION, wait).code();
        }
        JsonNode rollout = rollouts.get(id);
        JsonNode subnets = rollouts.subnets(id);
        JsonNode devices = deviceState == null ? null
                : rollouts.devices(id, deviceState.isBlank() ? null : deviceState, null, limit);
        Output out = output();
        ObjectNode all = rollout.deepCopy();
        all.set("subnets", subnets);
        if (devices != null) {
            all.set("deviceList", devices);
        }
        out.result(all, () -> {
            out.line(RolloutLines.summary(rollout));
            out.line("  id " + rollout.path("id").asText() + ", folder " + rollout.path("folderId").asText()
                    + ", policy " + rollout.path("sourcePolicy").asText() + ", minimum source version "
                    + rollout.path("minSourceVersion").asText() + ", error threshold "
                    + rollout.path("errorThresholdPercent").asText() + " %");
            out.line("  devices by state: " + rollout.path("deviceCounts"));
            if (rollout.hasNonNull("maintenanceWindow")) {
                out.line("  maintenance window: " + RolloutLines.window(rollout.get("maintenanceWindow")));
            }
            if (rollout.path("seedsExpired").asInt() > 0) {
                out.line("  WAN seeds replaced: " + rollout.path("seedsExpired").asInt()
                        + " upgraded but did not serve their subnet (see --devices UPGRADED)");
            }
            subnets.forEach(subnet -> out.line(RolloutLines.subnet(subnet)));
            if (devices != null) {
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode d : devices) {
                    rows.add(List.of(d.path("deviceId").asText(), d.path("state").asText(), Output.cell(d, "subnet"),
                            Output.cell(d, "osVersion"), Output.cell(d, "source"), Output.cell(d, "attempts"),
                            deviceReason(d)));
                }
                out.table(List.of("DEVICE", "STATE", "SUBNET", "OS", "SOURCE", "ATTEMPTS", "REASON"), rows);
            }
        });
        return ExitCode.OK.code();
    }

    @Command(name = "create", description = {"Creates a rollout of a release to the devices of a folder's tree "
            + "and starts it (unless --no-start).", "Omitted tuning takes rollout-service's defaults. With a "
            + "maintenance window (--window-cron, --window-duration and --window-zone) devices are commanded only "
            + "while it is open, and while their folders' windows are."})
    int create(@Option(names = "--folder", required = true, paramLabel = "FOLDER") String folder,
               @Option(names = "--app", required = true) String app,
               @Option(names = "--version", required = true) String version,
               @Option(names = "--min-source-version", paramLabel = "VERSION",
                       description = "Devices below it are INELIGIBLE (IGEL: 11.11.150 at least).") String minSourceVersion,
               @Option(names = "--source-policy", paramLabel = "PEER_THEN_WAN|PEER_ONLY|WAN_ONLY") String sourcePolicy,
               @Option(names = "--wan-seeds-per-subnet", paramLabel = "N") Integer wanSeeds,
               @Option(names = "--max-concurrent-wan-downloads", paramLabel = "N") Integer maxWan,
               @Option(names = "--error-threshold", paramLabel = "PERCENT") Integer errorThreshold,
               @Option(names = "--retry-limit", paramLabel = "N") Integer retryLimit,
               @Option(names = "--device-timeout", paramLabel = "SECONDS") Integer deviceTimeout,
               @Option(names = "--no-start", description = "Create it only; start it later with rollouts start.") boolean noStart,
               @Option(names = "--approval-required", description = "An approver other than you must approve it "
                       + "(rollouts approve) before it starts; rollout-service may require this for every rollout.")
               boolean approvalRequired,
               @Mixin WindowOptions window,
               @Mixin ForceOptions force,
               @Mixin WaitOptions wait) throws InterruptedException {
        force.check();
        Map<String, Object> maintenanceWindow = window.rolloutWindow();
        ProfileClient profiles = peerlift.profiles();
        long folderId = new FolderTree(profiles.folders()).resolve(folder);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("folderId", folderId);
        request.put("app", app);
        request.put("version", version);
        putIfSet(request, "minSourceVersion", minSourceVersion);
        putIfSet(request, "sourcePolicy", sourcePolicy);
        putIfSet(request, "wanSeedsPerSubnet", wanSeeds);
        putIfSet(request, "maxConcurrentWanDownloads", maxWan);
        putIfSet(request, "errorThresholdPercent", errorThreshold);
        putIfSet(request, "retryLimit", retryLimit);
        putIfSet(request, "deviceTimeoutSeconds", deviceTimeout);
        putIfSet(request, "maintenanceWindow", maintenanceWindow);
        request.put("start", !noStart);
        if (approvalRequired) {
            request.put("approvalRequired", true);
        }
        RolloutClient rollouts = peerlift.rollouts();
        JsonNode created = rollouts.create(request, force.force, force.reason);
        String id = created.path("id").asText();
        Output out = output();
        boolean waitsForApproval = created.path("state").asText().equals("WAITING_FOR_APPROVAL");
        String next = waitsForApproval ? ", waiting for an approver" + (noStart ? "" : "; it starts once approved")
                : noStart ? "" : " and started";
        out.note("rollout " + id + " created on folder " + folderId + next);
        return settle(rollouts, created, noStart ? RolloutOutcome.TAKEN_IN : RolloutOutcome.COMPLETION, wait);
    }

    @Command(name = "start", description = "Starts a created rollout, unless its folder's consistency report has "
            + "errors (then --force --reason).")
    int start(@Parameters(paramLabel = "ROLLOUT") String ref, @Mixin ForceOptions force, @Mixin WaitOptions wait)
            throws InterruptedException {
        force.check();
        RolloutClient rollouts = peerlift.rollouts();
        String id = resolve(rollouts, ref);
        JsonNode rollout = rollouts.start(id, force.force, force.reason);
        output().note("start: rollout " + id + " is " + rollout.path("state").asText());
        return settle(rollouts, rollout, RolloutOutcome.COMPLETION, wait);
    }

    @Command(name = "pause", description = "Pauses a running rollout: no new device is commanded; running downloads finish.")
    int pause(@Parameters(paramLabel = "ROLLOUT") String ref, @Mixin WaitOptions wait) throws InterruptedException {
        return act(ref, "pause", RolloutOutcome.PAUSE, wait);
    }

    @Command(name = "resume", description = "Resumes a paused rollout (also one paused on errors).")
    int resume(@Parameters(paramLabel = "ROLLOUT") String ref, @Mixin WaitOptions wait) throws InterruptedException {
        return act(ref, "resume", RolloutOutcome.COMPLETION, wait);
    }

    @Command(name = "cancel", description = "Cancels an open rollout: its devices that have not upgraded are cancelled.")
    int cancel(@Parameters(paramLabel = "ROLLOUT") String ref, @Mixin WaitOptions wait) throws InterruptedException {
        return act(ref, "cancel", RolloutOutcome.CANCELLATION, wait);
    }

    @Command(name = "retry-failed", description = "Gives each FAILED device of a finished rollout one new attempt; "
            + "the rollout runs again.")
    int retryFailed(@Parameters(paramLabel = "ROLLOUT") String ref, @Mixin WaitOptions wait) throws InterruptedException {
        return act(ref, "retry-failed", RolloutOutcome.COMPLETION, wait);
    }

    @Command(name = "approve", description = {"Approves a rollout that waits for approval (role approver; four eyes: "
            + "not one you created).", "It starts if it was created to start."})
    int approve(@Parameters(paramLabel = "ROLLOUT") String ref,
                @Option(names = "--remark", paramLabel = "TEXT", description = "Why (kept with the rollout and in the "
                        + "audit trail).") String remark,
                @Mixin WaitOptions wait) throws InterruptedException {
        return decide(ref, "approve", remark, RolloutOutcome.COMPLETION, wait);
    }

    @Command(name = "deny", description = "Denies a rollout that waits for approval (role approver; four eyes: not "
            + "one you created): it ends in APPROVAL_DENIED.")
    int deny(@Parameters(paramLabel = "ROLLOUT") String ref,
             @Option(names = "--remark", paramLabel = "TEXT", required = true, description = "Why it must not run "
                     + "(kept with the rollout and in the audit trail).") String remark,
             @Mixin WaitOptions wait) throws InterruptedException {
        return decide(ref, "deny", remark, RolloutOutcome.DENIAL, wait);
    }

    @Command(name = "archive", description = "Hides a finished rollout from rollouts list (see --archived).")
    int archive(@Parameters(paramLabel = "ROLLOUT") String ref) {
        RolloutClient rollouts = peerlift.rollouts();
        String id = resolve(rollouts, ref);
        JsonNode rollout = rollouts.archive(id);
        Output out = output();
        out.note("rollout " + id + " archived");
        out.result(rollout, () -> out.line(RolloutLines.summary(rollout)));
        return ExitCode.OK.code();
    }

    /** Why a device is where it is: left out, replaced as a seed, or its last failure. */
    private static String deviceReason(JsonNode device) {
        for (String field : List.of("ineligibleReason", "seedExpiry")) {
            if (device.hasNonNull(field)) {
                return Output.cell(device, field);
            }
        }
        return Output.cell(device, "failureReason");
    }

    private int act(String ref, String action, RolloutOutcome outcome, WaitOptions wait) throws InterruptedException {
        RolloutClient rollouts = peerlift.rollouts();
        String id = resolve(rollouts, ref);
        JsonNode rollout = rollouts.act(id, action);
        output().note(action + ": rollout " + id + " is " + rollout.path("state").asText());
        return settle(rollouts, rollout, outcome, wait);
    }

    private int decide(String ref, String decision, String remark, RolloutOutcome outcome, WaitOptions wait)
            throws InterruptedException {
        RolloutClient rollouts = peerlift.rollouts();
        String id = resolve(rollouts, ref);
        JsonNode rollout = rollouts.decide(id, decision, remark);
        output().note(decision + ": rollout " + id + " is " + rollout.path("state").asText());
        return settle(rollouts, rollout, outcome, wait);
    }

    /** Without --wait: prints the rollout and exits 0. With it: follows it, prints where it rests, judges it. */
    private int settle(RolloutClient rollouts, JsonNode rollout, RolloutOutcome outcome, WaitOptions wait)
            throws InterruptedException {
        if (!wait.await) {
            Output out = output();
            out.result(rollout, () -> out.line(RolloutLines.summary(rollout)));
            return ExitCode.OK.code();
        }
        return follow(rollouts, rollout.path("id").asText(), outcome, wait).code();
    }

    private ExitCode follow(RolloutClient rollouts, String id, RolloutOutcome outcome, WaitOptions wait)
            throws InterruptedException {
        Duration timeout = Durations.parse(wait.timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        Output out = output();
        JsonNode rollout;
        Optional<ExitCode> result;
        try (Progress progress = Progress.open(out, spec.commandLine().getErr())) {
            while (true) {
                rollout = rollouts.get(id);
                result = outcome.judge(rollout);
                List<String> lines = new ArrayList<>();
                lines.add(RolloutLines.summary(rollout));
                rollouts.subnets(id).forEach(subnet -> lines.add(RolloutLines.subnet(subnet)));
                progress.show(lines, result.isPresent());
                if (result.isPresent() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(POLL.toMillis());
            }
        }
        JsonNode last = rollout;
        ExitCode code = result.orElse(ExitCode.TIMED_OUT);
        out.result(last, () -> out.line(RolloutLines.summary(last)));
        if (code != ExitCode.OK) {
            out.note("peerlift: " + (code == ExitCode.TIMED_OUT ? "still " + last.path("state").asText()
                    + " after " + timeout.toSeconds() + " s" : code.meaning()) + reason(last));
        }
        return code;
    }

    private static String reason(JsonNode rollout) {
        String reason = rollout.path("stateReason").asText("");
        return reason.isBlank() || reason.equals("null") ? "" : ": " + reason;
    }

    /** The full id of {@code ref}: an id, or the first characters of exactly one rollout's id. */
    static String resolve(RolloutClient rollouts, String ref) {
        String prefix = ref.strip();
        if (prefix.length() >= 36) {
            return prefix;
        }
        List<String> matches = new ArrayList<>();
        for (JsonNode rollout : rollouts.list(true)) {
            if (rollout.path("id").asText().startsWith(prefix)) {
                matches.add(rollout.path("id").asText());
            }
        }
        if (matches.size() != 1) {
            throw new CliException(matches.isEmpty() ? ExitCode.NOT_FOUND : ExitCode.CONFLICT, matches.isEmpty()
                    ? "there is no rollout " + prefix : prefix + " names " + matches.size() + " rollouts: " + matches);
        }
        return matches.get(0);
    }

    private static void putIfSet(Map<String, Object> request, String field, Object value) {
        if (value != null) {
            request.put(field, value);
        }
    }

    private Output output() {
        return peerlift.output(spec.commandLine());
    }
}
