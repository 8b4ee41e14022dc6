package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;
import io.peerlift.cli.Peerlift;
import io.peerlift.cli.client.ProfileClient;
import io.peerlift.cli.output.Output;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code peerlift profiles ...}: OS 11 and OS 12 profiles and where they are assigned. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "Profiles (PROFILE is an id or the profile's name) and their assignments to folders and devices.")
public final class ProfilesCommand {

    @ParentCommand
    Peerlift peerlift;

    @Spec
    CommandSpec spec;

    /** Exactly one target of an assignment. */
    static final class Target {
        @Option(names = "--folder", required = true, paramLabel = "FOLDER")
        String folder;
        @Option(names = "--device", required = true, paramLabel = "DEVICE")
        String device;
    }

    @Command(name = "list", description = "Lists the profiles.")
    int list() {
        JsonNode profiles = peerlift.profiles().profiles();
        Output out = output();
        out.result(profiles, () -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode p : profiles) {
                rows.add(List.of(p.path("id").asText(), p.path("name").asText(), p.path("osFamily").asText(),
                        p.path("basedOnVersion").asText(), p.path("priority").asBoolean() ? "priority" : "standard",
                        String.valueOf(p.path("settings").size())));
            }
            out.table(List.of("ID", "NAME", "OS", "BASED ON", "KIND", "SETTINGS"), rows);
        });
        return ExitCode.OK.code();
    }

    @Command(name = "show", description = "A profile, its settings and its assignments.")
    int show(@Parameters(paramLabel = "PROFILE") String ref) {
        ProfileClient profiles = peerlift.profiles();
        JsonNode profile = profiles.profile(resolve(profiles, ref));
        JsonNode assignments = profiles.assignments(profile.path("id").asLong());
        Output out = output();
        com.fasterxml.jackson.databind.node.ObjectNode both = profile.deepCopy();
        both.set("assignments", assignments);
        out.result(both, () -> {
            printProfile(out, profile);
            FolderTree tree = new FolderTree(profiles.folders());
            for (JsonNode a : assignments) {
                out.line("  assigned to " + (a.hasNonNull("folderId")
                        ? "folder " + tree.pathOf(a.get("folderId").asLong()) + " (" + a.get("folderId").asLong() + ")"
                        : "device " + a.path("deviceId").asText()));
            }
        });
        return ExitCode.OK.code();
    }

    @Command(name = "create", description = {"Creates a profile. Settings are KEY=VALUE with IGEL's keys "
            + "(e.g. update.discovery.port=22336); true/false and numbers are typed, the rest is text."})
    int create(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--os", required = true, paramLabel = "OS11|OS12") String osFamily,
               @Option(names = "--based-on", required = true, paramLabel = "VERSION",
                       description = "The firmware version the profile is based on, e.g. 11.11.150 or 12.7.4.") String basedOn,
               @Option(names = "--priority", description = "A priority profile (UMS: overrides standard profiles).") boolean priority,
               @Option(names = "--set", paramLabel = "KEY=VALUE") List<String> settings,
               @Option(names = "--settings-file", paramLabel = "FILE", description = "A JSON object of settings.") Path file)
            throws IOException {
        ObjectMapper json = output().mapper();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("osFamily", osFamily.toUpperCase(Locale.ROOT));
        body.put("basedOnVersion", basedOn);
        body.put("priority", priority);
        Map<String, Object> all = new LinkedHashMap<>();
        if (file != null) {
            all.putAll(Settings.fromFile(file, json));
        }
        all.putAll(Settings.parse(settings, json));
        body.put("settings", all);
        JsonNode created = peerlift.profiles().createProfile(body);
        Output out = output();
        out.result(created, () -> {
            out.line("created profile " + created.path("id").asLong());
            printProfile(out, created);
        });
        return ExitCode.OK.code();
    }

    @Command(name = "update", description = "Changes a profile: its name, version, kind, and settings set or removed.")
    int update(@Parameters(paramLabel = "PROFILE") String ref,
               @Option(names = "--name") String name,
               @Option(names = "--based-on", paramLabel = "VERSION") String basedOn,
               @Option(names = "--priority", arity = "1", paramLabel = "true|false") Boolean priority,
               @Option(names = "--set", paramLabel = "KEY=VALUE") List<String> set,
               @Option(names = "--unset", paramLabel = "KEY") List<String> unset) {
        ProfileClient profiles = peerlift.profiles();
        JsonNode current = profiles.profile(resolve(profiles, ref));
        ObjectMapper json = output().mapper();
        Map<String, Object> settings = new LinkedHashMap<>(json.convertValue(current.path("settings"),
                json.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class)));
        settings.putAll(Settings.parse(set, json));
        if (unset != null) {
            unset.forEach(settings::remove);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name != null ? name : current.path("name").asText());
        body.put("osFamily", current.path("osFamily").asText());
        body.put("basedOnVersion", basedOn != null ? basedOn : current.path("basedOnVersion").asText());
        body.put("priority", priority != null ? priority : current.path("priority").asBoolean());
        body.put("settings", settings);
        JsonNode updated = profiles.replaceProfile(current.path("id").asLong(), body);
        Output out = output();
        out.result(updated, () -> printProfile(out, updated));
        return ExitCode.OK.code();
    }

    @Command(name = "delete", description = "Deletes a profile and its assignments.")
    int delete(@Parameters(paramLabel = "PROFILE") String ref) {
        ProfileClient profiles = peerlift.profiles();
        long id = resolve(profiles, ref);
        profiles.deleteProfile(id);
        Output out = output();
        out.result(out.mapper().createObjectNode().put("deleted", id), () -> out.line("deleted profile " + id));
        return ExitCode.OK.code();
    }

    @Command(name = "assign", description = "Assigns a profile to a folder (its whole tree) or to one device.")
    int assign(@Parameters(paramLabel = "PROFILE") String ref,
               @ArgGroup(multiplicity = "1") Target target) {
        ProfileClient profiles = peerlift.profiles();
        long id = resolve(profiles, ref);
        Long folderId = target.folder == null ? null : new FolderTree(profiles.folders()).resolve(target.folder);
        JsonNode assignment = profiles.assign(id, folderId, target.device);
        Output out = output();
        out.result(assignment, () -> out.line("assigned profile " + id + " to "
                + (folderId != null ? "folder " + folderId : "device " + target.device)));
        return ExitCode.OK.code();
    }

    @Command(name = "unassign", description = "Removes a profile's assignment to a folder or a device.")
    int unassign(@Parameters(paramLabel = "PROFILE") String ref,
                 @ArgGroup(multiplicity = "1") Target target) {
        ProfileClient profiles = peerlift.profiles();
        long id = resolve(profiles, ref);
        Long folderId = target.folder == null ? null : new FolderTree(profiles.folders()).resolve(target.folder);
        profiles.unassign(id, folderId, target.device);
        Output out = output();
        out.result(out.mapper().createObjectNode().put("profileId", id).put("unassigned",
                        folderId != null ? "folder " + folderId : "device " + target.device),
                () -> out.line("unassigned profile " + id + " from "
                        + (folderId != null ? "folder " + folderId : "device " + target.device)));
        return ExitCode.OK.code();
    }

    @Command(name = "settings", description = "The settings each OS family knows: key, type, default, and whose key it is (IGEL's or Peerlift's own).")
    int settings() {
        JsonNode settings = peerlift.profiles().settings();
        Output out = output();
        out.result(settings, () -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode s : settings) {
                rows.add(List.of(s.path("osFamily").asText(), s.path("key").asText(), s.path("type").asText(),
                        Output.cell(s, "defaultValue"), Output.cell(s, "keyOrigin")));
            }
            out.table(List.of("OS", "KEY", "TYPE", "DEFAULT", "KEY OF"), rows);
        });
        return ExitCode.OK.code();
    }

    /** A profile's id from its id or its name (names are matched exactly, then regardless of case). */
    static long resolve(ProfileClient profiles, String ref) {
        if (ref.strip().matches("\\d+")) {
            return Long.parseLong(ref.strip());
        }
        List<JsonNode> exact = new ArrayList<>();
        List<JsonNode> loose = new ArrayList<>();
        for (JsonNode p : profiles.profiles()) {
            String name = p.path("name").asText();
            if (name.equals(ref)) {
                exact.add(p);
            } else if (name.equalsIgnoreCase(ref.strip())) {
                loose.add(p);
            }
        }
        List<JsonNode> matches = exact.isEmpty() ? loose : exact;
        if (matches.size() != 1) {
            throw new CliException(matches.isEmpty() ? ExitCode.NOT_FOUND : ExitCode.CONFLICT, (matches.isEmpty()
                    ? "there is no profile named '" + ref + "'" : matches.size() + " profiles are named '" + ref + "'")
                    + "; name it by id (peerlift profiles list)");
        }
        return matches.get(0).path("id").asLong();
    }

    private static void printProfile(Output out, JsonNode p) {
        out.line(p.path("name").asText() + " (" + p.path("id").asLong() + "): " + p.path("osFamily").asText()
                + ", based on " + p.path("basedOnVersion").asText() + ", "
                + (p.path("priority").asBoolean() ? "priority" : "standard") + " profile");
        p.path("settings").fields().forEachRemaining(s -> out.line("  " + s.getKey() + " = " + s.getValue()));
    }

    private Output output() {
        return peerlift.output(spec.commandLine());
    }
}
