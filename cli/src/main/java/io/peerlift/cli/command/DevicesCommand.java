package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;
import io.peerlift.cli.Peerlift;
import io.peerlift.cli.client.ApiException;
import io.peerlift.cli.client.ProfileClient;
import io.peerlift.cli.client.RolloutClient;
import io.peerlift.cli.output.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code peerlift devices ...}: the device inventory of profile-service. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "The devices and where they sit.")
public final class DevicesCommand {

    @ParentCommand
    Peerlift peerlift;

    @Spec
    CommandSpec spec;

    @Command(name = "list", description = "Lists the devices: all, those directly in a folder, or of a subnet.")
    int list(@Option(names = "--folder", paramLabel = "FOLDER") String folder,
             @Option(names = "--subnet", paramLabel = "CIDR", description = "e.g. 127.10.1.0/24") String subnet) {
        ProfileClient profiles = peerlift.profiles();
        Long folderId = folder == null ? null : new FolderTree(profiles.folders()).resolve(folder);
        JsonNode devices = profiles.devices(folderId, subnet);
        Output out = output();
        out.result(devices, () -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode d : devices) {
                rows.add(List.of(d.path("id").asText(), Output.cell(d, "folderId"), Output.cell(d, "ip"),
                        Output.cell(d, "subnet"), Output.cell(d, "osVersion"), Output.cell(d, "lastSeen")));
            }
            out.table(List.of("ID", "FOLDER", "IP", "SUBNET", "OS", "LAST SEEN"), rows);
            out.line(devices.size() + " devices");
        });
        return ExitCode.OK.code();
    }

    @Command(name = "show", description = "A device, its folder and its effective configuration with where each setting comes from.")
    int show(@Parameters(paramLabel = "DEVICE") String id) {
        ProfileClient profiles = peerlift.profiles();
        JsonNode device = profiles.device(id);
        JsonNode config = profiles.effectiveConfig(id);
        FolderTree tree = new FolderTree(profiles.folders());
        JsonNode inventory = rolloutInventory(id);
        Output out = output();
        ObjectNode both = out.mapper().createObjectNode();
        both.set("device", device);
        both.set("effectiveConfig", config);
        both.set("rolloutInventory", inventory);
        out.result(both, () -> {
            out.line(device.path("id").asText() + "  " + device.path("osVersion").asText() + " ("
                    + device.path("osFamily").asText() + ")  " + device.path("ip").asText() + " in "
                    + device.path("subnet").asText());
            out.line("folder " + tree.pathOf(device.path("folderId").asLong()) + " (" + device.path("folderId").asLong()
                    + "), last seen " + device.path("lastSeen").asText() + ", configuration revision "
                    + config.path("revision").asText());
            out.line(peerLine(inventory));
            List<List<String>> rows = new ArrayList<>();
            config.path("settings").fields().forEachRemaining(setting -> {
                JsonNode source = config.path("sources").path(setting.getKey());
                rows.add(List.of(setting.getKey(), setting.getValue().asText(),
                        source.isMissingNode() ? "default" : source.path("profileName").asText()
                                + (source.hasNonNull("profileId") ? " (" + source.get("profileId").asLong() + ")" : "")));
            });
            out.table(List.of("SETTING", "VALUE", "FROM"), rows);
        });
        return ExitCode.OK.code();
    }

    /** The device in rollout-service's inventory, null when rollout-service has heard nothing of it yet. */
    private JsonNode rolloutInventory(String id) {
        try {
            return peerlift.rollouts().inventoryDevice(id);
        } catch (ApiException refused) {
            if (refused.status() == 404) {
                return null;
            }
            throw refused;
        }
    }

    /**
     * As a peer, as rollout-service counts it (a silent peer is not counted until it is heard from again), and
     * whether it serves HTTPS beside HTTP, or why not although its profile enables it.
     */
    static String peerLine(JsonNode inventory) {
        if (inventory == null) {
            return "as a peer: rollout-service has no event of it yet";
        }
        String heard = ", last event " + Output.cell(inventory, "lastEventAt");
        if (inventory.hasNonNull("peerExpiredAt")) {
            return "as a peer: NOT counted since " + inventory.path("peerExpiredAt").asText()
                    + " (silent too long" + heard + ")";
        }
        if (!inventory.path("peerServerRunning").asBoolean()) {
            return "as a peer: its peer server is not running" + heard;
        }
        int httpsPort = inventory.path("peerServerHttpsPort").asInt();
        JsonNode httpsDown = inventory.path("peerServerHttpsDown");
        String https = httpsPort > 0 ? "HTTPS on port " + httpsPort
                : httpsDown.isTextual() ? "HTTPS down: " + httpsDown.asText() : "HTTP only";
        return "as a peer: serving on port " + inventory.path("peerServerPort").asInt() + " with "
                + inventory.path("peerServerCapacity").asInt() + " upload slot(s), " + https + heard;
    }

    @Command(name = "move", description = {"Moves devices into a folder: those named, and/or all directly in "
            + "--from, and/or all of --subnet. Their configuration follows the folder's profiles.",
            "With --wait, returns once rollout-service knows them there too, so a rollout takes them in."})
    int move(@Parameters(arity = "0..*", paramLabel = "DEVICE") List<String> ids,
             @Option(names = "--to", required = true, paramLabel = "FOLDER") String to,
             @Option(names = "--from", paramLabel = "FOLDER", description = "every device directly in this folder") String from,
             @Option(names = "--subnet", paramLabel = "CIDR", description = "every device of this subnet") String subnet,
             @Option(names = "--wait", description = "Wait until rollout-service has seen the move.") boolean await,
             @Option(names = "--timeout", defaultValue = "120s", paramLabel = "DURATION",
                     description = "How long --wait waits (default ${DEFAULT-VALUE}).") String timeout) throws InterruptedException {
        ProfileClient profiles = peerlift.profiles();
        FolderTree tree = new FolderTree(profiles.folders());
        long target = tree.resolve(to);
        Set<String> selected = new LinkedHashSet<>(ids == null ? List.of() : ids);
        if (from != null || subnet != null) {
            Long fromId = from == null ? null : tree.resolve(from);
            profiles.devices(fromId, subnet).forEach(device -> selected.add(device.path("id").asText()));
        }
        if (selected.isEmpty()) {
            throw new CliException(ExitCode.USAGE, "no device to move: name devices, or select them with --from or --subnet");
        }
        Output out = output();
        List<String> all = List.copyOf(selected);
        List<JsonNode> moved = profiles.moveDevices(target, all, soFar -> {
            if (soFar < all.size()) {
                out.note("moved " + soFar + " of " + all.size());
            }
        });
        if (await) {
            awaitRolloutService(tree, target, profiles, Durations.parse(timeout), out);
        }
        ArrayNode result = out.mapper().createArrayNode();
        moved.forEach(result::add);
        out.result(result, () -> out.line("moved " + moved.size() + " devices into " + tree.pathOf(target) + " (" + target + ")"));
        return ExitCode.OK.code();
    }

    /** rollout-service learns of moves from the configurations profile-service publishes on Kafka. */
    private void awaitRolloutService(FolderTree tree, long folderId, ProfileClient profiles, Duration timeout, Output out)
            throws InterruptedException {
        long expected = 0;
        for (long id : tree.subtree(folderId)) {
            expected += profiles.devices(id, null).size();
        }
        RolloutClient rollouts = peerlift.rollouts();
        long deadline = System.nanoTime() + timeout.toNanos();
        long known;
        while ((known = rollouts.devicesKnownIn(folderId)) < expected) {
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCode.TIMED_OUT, "rollout-service knows " + known + " of the " + expected
                        + " devices in the folder after " + timeout.toSeconds() + " s; the rest is on its way (Kafka)");
            }
            Thread.sleep(250);
        }
        out.note("rollout-service knows all " + expected + " devices of the folder");
    }

    @Command(name = "delete", description = "Deletes a device with its own configuration and direct assignments; "
            + "a device still running comes back in the root folder when it announces itself.")
    int delete(@Parameters(paramLabel = "DEVICE") String id) {
        peerlift.profiles().deleteDevice(id);
        Output out = output();
        out.result(out.mapper().createObjectNode().put("deleted", id), () -> out.line("deleted device " + id));
        return ExitCode.OK.code();
    }

    private Output output() {
        return peerlift.output(spec.commandLine());
    }
}
