package io.peerlift.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Profile settings from the command line ({@code KEY=VALUE}) or a JSON file; profile-service validates them. */
final class Settings {

    private Settings() {
    }

    /** {@code true}/{@code false} become booleans, integers numbers, anything else stays text. */
    static Map<String, Object> parse(List<String> pairs, ObjectMapper json) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String pair : pairs == null ? List.<String>of() : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new CliException(ExitCode.USAGE, "'" + pair + "' is not KEY=VALUE, e.g. update.discovery.port=22336");
            }
            String value = pair.substring(equals + 1).strip();
            settings.put(pair.substring(0, equals).strip(), typed(value));
        }
        return settings;
    }

    static Map<String, Object> fromFile(Path file, ObjectMapper json) throws IOException {
        JsonNode tree = json.readTree(file.toFile());
        if (tree == null || !tree.isObject()) {
            throw new CliException(ExitCode.USAGE, file + " does not hold a JSON object of settings");
        }
        return json.convertValue(tree, json.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
    }

    private static Object typed(String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        if (value.matches("-?\\d{1,18}")) {
            return Long.parseLong(value);
        }
        return value;
    }
}
