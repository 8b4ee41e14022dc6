package io.peerlift.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.peerlift.deploy.Overlays.OVERLAYS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboards: well-formed, shipped by every overlay, and using only the metrics that deploy/README.md
 * lists, each peerlift_* one of them registered by a service unless the README marks it as still to be added.
 */
class DashboardTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A metric row of the README's table: | `name` | from | labels |. */
    private static final Pattern README_METRIC = Pattern.compile("^\\| `([a-z_:][a-z0-9_:]*)` \\| ([^|]*)\\|", Pattern.MULTILINE);
    /** Label matchers, grouping clauses and ranges hold label names and durations, not metric names. */
    private static final Pattern NOT_METRICS = Pattern.compile("\\{[^}]*}|\\b(?:by|without)\\s*\\([^)]*\\)|\\[[^]]*]");
    private static final Pattern IDENTIFIER = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset");
    /** How Micrometer's Prometheus registry suffixes a meter's name, per meter type. */
    private static final Pattern METER_SUFFIX = Pattern.compile("_(total|seconds_count|seconds_sum|seconds_max|"
            + "seconds_bucket|bytes|count|sum|max|bucket)$");
    private static final Pattern MICROMETER_NAME = Pattern.compile("\"(peerlift(?:\\.[a-z0-9_]+)+)\"");

    static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(SourceTree.dashboardsDir())) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void thereAreDashboards() {
        assertThat(dashboards()).extracting(file -> file.getFileName().toString())
                .contains("peerlift-rollouts.json", "peerlift-platform.json");
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void everyPanelQueriesPrometheus(Path file) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        assertThat(dashboard.path("uid").asString()).as("uid of %s", file).isNotBlank();
        assertThat(dashboard.path("title").asString()).as("title of %s", file).startsWith("Peerlift / ");
        List<JsonNode> panels = panels(dashboard).stream().filter(panel -> !panel.path("type").asString().equals("row"))
                .toList();
        assertThat(panels).isNotEmpty();
        for (JsonNode panel : panels) {
            assertThat(panel.path("description").asString()).as("description of panel %s", panel.path("title")).isNotBlank();
            assertThat(panel.path("targets").size()).as("queries of panel %s", panel.path("title")).isPositive();
            panel.path("targets").forEach(target -> assertThat(target.path("expr").asString()).isNotBlank());
        }
    }

    @Test
    void theDashboardsUseExactlyTheMetricsTheReadmeLists() {
        Set<String> used = dashboards().stream().flatMap(file -> metricsIn(JSON.readTree(file.toFile())).stream())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(readmeMetrics().keySet()).containsExactlyInAnyOrderElementsOf(used);
    }

    @Test
    void theServicesRegisterEveryPeerliftMetricNotMarkedAsToBeAdded() {
        Set<String> registered = new TreeSet<>();
        for (ServiceModule module : ServiceModule.all()) {
            registered.addAll(micrometerNames(SourceTree.repoDir().resolve(module.name()).resolve("src/main/java")));
        }
        readmeMetrics().forEach((metric, source) -> {
            if (metric.startsWith("peerlift_") && !source.contains("to be added")) {
                assertThat(registered).as("Micrometer meters of the services (for %s)", metric)
                        .contains(METER_SUFFIX.matcher(metric).replaceFirst(""));
            }
        });
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everyOverlayShipsTheDashboardsToGrafanasSidecar(String overlay) {
        ConfigMap dashboards = Overlays.rendered(overlay).named(ConfigMap.class, "peerlift-grafana-dashboards");

        assertThat(dashboards.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        for (Path file : dashboards()) {
            assertThat(dashboards.getData()).as("dashboards in %s", overlay).containsKey(file.getFileName().toString());
            assertThat(JSON.readTree(dashboards.getData().get(file.getFileName().toString())))
                    .isEqualTo(JSON.readTree(file.toFile()));
        }
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        });
        return panels;
    }

    static Set<String> metricsIn(JsonNode dashboard) {
        Set<String> metrics = new TreeSet<>();
        List<String> expressions = new ArrayList<>();
        panels(dashboard).forEach(panel -> panel.path("targets").forEach(target -> expressions.add(target.path("expr").asString())));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("type").asString().equals("query")) {
                expressions.add(variable.path("definition").asString());
            }
        });
        for (String expression : expressions) {
            String stripped = NOT_METRICS.matcher(expression.replaceAll("\"[^\"]*\"", "\"\"")).replaceAll(" ");
            Matcher identifier = IDENTIFIER.matcher(stripped);
            while (identifier.find()) {
                String name = identifier.group(1);
                boolean isFunction = identifier.group(2) != null;
                if (!isFunction && !PROMQL_WORDS.contains(name) && !name.startsWith("$") && name.contains("_")) {
                    metrics.add(name);
                }
            }
        }
        return metrics;
    }

    /** The README's metric table: name to its "from" column. */
    private static Map<String, String> readmeMetrics() {
        try {
            Matcher row = README_METRIC.matcher(Files.readString(SourceTree.deployDir().resolve("README.md")));
            Map<String, String> metrics = new TreeMap<>();
            while (row.find()) {
                metrics.put(row.group(1), row.group(2));
            }
            return metrics;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Meter names the sources register, in Prometheus form (dots as underscores, no type suffix). */
    private static Set<String> micrometerNames(Path sourceRoot) {
        return JavaSources.under(sourceRoot).stream().filter(source -> source.contains("io.micrometer"))
                .flatMap(source -> MICROMETER_NAME.matcher(source).results().map(match -> match.group(1).replace('.', '_')))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
