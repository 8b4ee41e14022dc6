package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The folder tree as profile-service lists it ({@code [{id, name, parentId, path}]}), to name folders the way an
 * admin does and to draw the tree. A folder is named by its id ({@code 7}) or by its path from the root
 * ({@code "/Distributed Peer Upgrade/Berlin"}, the root "Devices" may lead, names match regardless of case as
 * profile-service keeps sibling names unique that way); {@code /} is the root.
 */
final class FolderTree {

    static final long ROOT = 1;

    private final Map<Long, JsonNode> byId = new LinkedHashMap<>();
    private final Map<Long, List<JsonNode>> children = new LinkedHashMap<>();

    FolderTree(JsonNode folders) {
        folders.forEach(folder -> byId.put(folder.path("id").asLong(), folder));
        byId.values().stream()
                .filter(folder -> folder.hasNonNull("parentId"))
                .sorted(Comparator.comparing(folder -> folder.path("name").asText().toLowerCase(Locale.ROOT)))
                .forEach(folder -> children.computeIfAbsent(folder.get("parentId").asLong(), id -> new ArrayList<>())
                        .add(folder));
    }

    /** The id of the folder {@code ref} names; a CliException (NOT_FOUND) naming the missing part otherwise. */
    long resolve(String ref) {
        String trimmed = ref.strip();
        if (trimmed.matches("\\d+")) {
            long id = Long.parseLong(trimmed);
            if (!byId.containsKey(id)) {
                throw new CliException(ExitCode.NOT_FOUND, "there is no folder " + id);
            }
            return id;
        }
        List<String> names = new ArrayList<>();
        for (String part : trimmed.split("/")) {
            if (!part.isBlank()) {
                names.add(part.strip());
            }
        }
        JsonNode root = byId.get(ROOT);
        if (!names.isEmpty() && root != null && names.get(0).equalsIgnoreCase(root.path("name").asText())) {
            names.remove(0);
        }
        long current = ROOT;
        StringBuilder walked = new StringBuilder();
        for (String name : names) {
            walked.append('/').append(name);
            current = children.getOrDefault(current, List.of()).stream()
                    .filter(child -> child.path("name").asText().equalsIgnoreCase(name))
                    .map(child -> child.path("id").asLong())
                    .findFirst()
                    .orElseThrow(() -> new CliException(ExitCode.NOT_FOUND, "there is no folder " + walked
                            + " (name folders by id or by their path from the root, e.g. \"/Distributed Peer Upgrade\")"));
        }
        return current;
    }

    /** Every folder in the tree of {@code id}, itself included. */
    Set<Long> subtree(long id) {
        Set<Long> ids = new HashSet<>();
        List<Long> open = new ArrayList<>(List.of(id));
        while (!open.isEmpty()) {
            long next = open.remove(open.size() - 1);
            if (ids.add(next)) {
                children.getOrDefault(next, List.of()).forEach(child -> open.add(child.path("id").asLong()));
            }
        }
        return ids;
    }

    /** "/Distributed Peer Upgrade/Berlin" for a folder, "/" for the root. */
    String pathOf(long id) {
        List<String> names = new ArrayList<>();
        JsonNode folder = byId.get(id);
        while (folder != null && folder.hasNonNull("parentId")) {
            names.add(0, folder.path("name").asText());
            folder = byId.get(folder.get("parentId").asLong());
        }
        return "/" + String.join("/", names);
    }

    /** The tree below {@code id} as lines, each folder with its id and, where given, its device count. */
    List<String> draw(long id, Map<Long, Integer> devices) {
        List<String> lines = new ArrayList<>();
        lines.add(label(byId.get(id), devices));
        drawChildren(id, "", devices, lines);
        return lines;
    }

    private void drawChildren(long id, String indent, Map<Long, Integer> devices, List<String> lines) {
        List<JsonNode> below = children.getOrDefault(id, List.of());
        for (int i = 0; i < below.size(); i++) {
            boolean last = i == below.size() - 1;
            JsonNode child = below.get(i);
            lines.add(indent + (last ? "└── " : "├── ") + label(child, devices));
            drawChildren(child.path("id").asLong(), indent + (last ? "    " : "│   "), devices, lines);
        }
    }

    private static String label(JsonNode folder, Map<Long, Integer> devices) {
        long id = folder.path("id").asLong();
        String count = devices == null ? "" : ", " + devices.getOrDefault(id, 0) + " devices";
        return folder.path("name").asText() + " (" + id + count + ")";
    }

    /** The tree below {@code id} as nested JSON: each folder with its {@code children}. */
    ObjectNode nested(long id, Map<Long, Integer> devices, ObjectMapper json) {
        ObjectNode node = byId.get(id).deepCopy();
        if (devices != null) {
            node.put("devices", devices.getOrDefault(id, 0));
        }
        ArrayNode below = node.putArray("children");
        children.getOrDefault(id, List.of()).forEach(child -> below.add(nested(child.path("id").asLong(), devices, json)));
        return node;
    }
}
