package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;
import io.peerlift.cli.Peerlift;
import io.peerlift.cli.client.ProfileClient;
import io.peerlift.cli.output.Output;
import io.peerlift.cli.output.RolloutLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code peerlift folders ...}: the device folder tree of profile-service. */
@Command(name = "folders", mixinStandardHelpOptions = true,
        description = "The folder tree: FOLDER is an id or a path from the root, e.g. \"/Distributed Peer Upgrade\".")
public final class FoldersCommand {

    @ParentCommand
    Peerlift peerlift;

    @Spec
    CommandSpec spec;

    @Command(name = "tree", description = "Draws the folder tree (below FOLDER, default the root).")
    int tree(@Parameters(arity = "0..1", paramLabel = "FOLDER") String ref,
             @Option(names = "--count-devices", description = "Show how many devices sit directly in each folder.")
             boolean countDevices) {
        ProfileClient profiles = peerlift.profiles();
        FolderTree tree = new FolderTree(profiles.folders());
        long top = ref == null ? FolderTree.ROOT : tree.resolve(ref);
        Map<Long, Integer> devices = null;
        if (countDevices) {
            devices = new HashMap<>();
            for (JsonNode device : profiles.devices(null, null)) {
                devices.merge(device.path("folderId").asLong(), 1, Integer::sum);
            }
        }
        Output out = output();
        Map<Long, Integer> counts = devices;
        out.result(tree.nested(top, counts, out.mapper()), () -> tree.draw(top, counts).forEach(out::line));
        return ExitCode.OK.code();
    }

    @Command(name = "create", description = {"Creates a folder (in PARENT, default the root).",
            "--window-zone gives it a time zone, --window-cron and --window-duration a maintenance window (see "
                    + "folders window)."})
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = {"--parent", "--in"}, paramLabel = "FOLDER") String parent,
               @Mixin WindowOptions window) {
        Map<String, Object> maintenanceWindow = window.folderWindow();
        ProfileClient profiles = peerlift.profiles();
        Long parentId = parent == null ? null : new FolderTree(profiles.folders()).resolve(parent);
        JsonNode created = profiles.createFolder(name, parentId, window.zone, maintenanceWindow);
        show(created, "created folder");
        return ExitCode.OK.code();
    }

    @Command(name = "window", description = {"Sets a folder's own time zone (--window-zone) and maintenance window "
            + "(--window-cron, --window-duration), replacing both: what is not given is none of its own, so it "
            + "inherits it from the folders above; --clear removes both.",
            "The folders below inherit them (the nearest folder that has one wins), the window is read in the "
                    + "zone of each device's folder (UTC when none has one), and no rollout commands a device "
                    + "outside it."})
    int window(@Parameters(paramLabel = "FOLDER") String ref, @Mixin WindowOptions window,
               @Option(names = "--clear", description = "Remove the folder's own time zone and window.") boolean clear) {
        Map<String, Object> maintenanceWindow = window.folderWindow();
        if (clear == (maintenanceWindow != null || window.zone != null)) {
            throw new CliException(ExitCode.USAGE, clear ? "--clear removes the window: give no --window-* with it"
                    : "give --window-cron and --window-duration, --window-zone, or --clear");
        }
        ProfileClient profiles = peerlift.profiles();
        JsonNode changed = profiles.changeFolderMaintenance(new FolderTree(profiles.folders()).resolve(ref),
                window.zone, maintenanceWindow);
        Output out = output();
        out.result(changed, () -> {
            out.line("folder " + changed.path("name").asText() + " (" + changed.path("id").asLong() + "): time zone "
                    + changed.path("effectiveTimeZone").asText()
                    + (changed.hasNonNull("timeZone") ? "" : " (inherited)"));
            JsonNode effective = changed.path("effectiveMaintenanceWindow");
            out.line("  maintenance window: " + (effective.isObject() ? RolloutLines.window(effective)
                    + (changed.hasNonNull("maintenanceWindow") ? "" : " (inherited)") : "none"));
        });
        return ExitCode.OK.code();
    }

    @Command(name = "rename", description = "Renames a folder.")
    int rename(@Parameters(paramLabel = "FOLDER") String ref, @Parameters(paramLabel = "NEW_NAME") String name) {
        ProfileClient profiles = peerlift.profiles();
        JsonNode renamed = profiles.changeFolder(new FolderTree(profiles.folders()).resolve(ref), name, null);
        show(renamed, "renamed folder");
        return ExitCode.OK.code();
    }

    @Command(name = "move", description = "Moves a folder, with everything below it, into another folder.")
    int move(@Parameters(paramLabel = "FOLDER") String ref,
             @Option(names = "--to", required = true, paramLabel = "PARENT") String parent) {
        ProfileClient profiles = peerlift.profiles();
        FolderTree tree = new FolderTree(profiles.folders());
        JsonNode moved = profiles.changeFolder(tree.resolve(ref), null, tree.resolve(parent));
        show(moved, "moved folder");
        return ExitCode.OK.code();
    }

    @Command(name = "delete", description = "Deletes an empty folder and its profile assignments.")
    int delete(@Parameters(paramLabel = "FOLDER") String ref) {
        ProfileClient profiles = peerlift.profiles();
        FolderTree tree = new FolderTree(profiles.folders());
        long id = tree.resolve(ref);
        String path = tree.pathOf(id);
        profiles.deleteFolder(id);
        Output out = output();
        out.result(out.mapper().createObjectNode().put("deleted", id).put("path", path),
                () -> out.line("deleted folder " + path + " (" + id + ")"));
        return ExitCode.OK.code();
    }

    @Command(name = "check", description = {"The folder's consistency report: every OS 11 device against the OS 12 "
            + "peers of its subnet. Exits " + 8 + " when it has errors (a rollout should not start then)."})
    int check(@Parameters(paramLabel = "FOLDER") String ref) {
        ProfileClient profiles = peerlift.profiles();
        JsonNode report = profiles.consistency(new FolderTree(profiles.folders()).resolve(ref));
        Output out = output();
        out.result(report, () -> {
            out.line((report.path("consistent").asBoolean() ? "consistent" : "NOT consistent") + ": "
                    + report.path("errors").asInt() + " errors, " + report.path("warnings").asInt() + " warnings");
            for (JsonNode problem : report.path("problems")) {
                out.line("  " + problem.path("severity").asText() + " " + problem.path("code").asText()
                        + (problem.hasNonNull("subnet") ? " [" + problem.get("subnet").asText() + "]" : "")
                        + ": " + problem.path("message").asText());
            }
            List<List<String>> rows = new java.util.ArrayList<>();
            for (JsonNode subnet : report.path("subnets")) {
                rows.add(List.of(subnet.path("subnet").asText(), Output.cell(subnet, "os11Devices"),
                        Output.cell(subnet, "peerServers"), Output.cell(subnet, "peerServersOutsideFolder"),
                        Output.cell(subnet, "connectionCapacity"), Output.cell(subnet, "peersAfterUpgrade")));
            }
            if (!rows.isEmpty()) {
                out.table(List.of("SUBNET", "OS11", "PEERS", "PEERS ELSEWHERE", "CONNECTIONS", "PEERS AFTER UPGRADE"), rows);
            }
        });
        if (report.path("errors").asInt() > 0) {
            throw new CliException(ExitCode.INCONSISTENT, "the folder has " + report.path("errors").asInt()
                    + " consistency errors; fix them before a rollout (or start it with --force)");
        }
        return ExitCode.OK.code();
    }

    private void show(JsonNode folder, String what) {
        Output out = output();
        out.result(folder, () -> out.line(what + " " + folder.path("name").asText() + " (" + folder.path("id").asLong()
                + "), path " + folder.path("path")));
    }

    private Output output() {
        return peerlift.output(spec.commandLine());
    }
}
