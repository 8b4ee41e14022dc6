package io.peerlift.deploy;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Quarkus service as its source tree describes it: Maven coordinates, application.properties as the
 * {@code prod} profile sees them, its Kafka channels and every configuration key its code reads.
 */
final class ServiceModule {

    /** The services that run in the cluster, by Maven module. */
    static final List<String> NAMES = List.of("profile-service", "device-service", "rollout-service");

    private static final Pattern PROFILE_PREFIX = Pattern.compile("^%[\\w,-]+\\.");
    private static final Pattern CHANNEL_KEY = Pattern.compile("^mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(.+)$");

    private static final String SERVICE_SUPPORT = "service-support";
    private static final Map<String, ServiceModule> LOADED = new ConcurrentHashMap<>();

    private final String name;
    private final Path dir;
    private final Map<String, String> prodProperties;
    private final Set<String> declaredKeys;
    private final Map<String, String> mappedKeys;

    private ServiceModule(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        Properties raw = new Properties();
        if (usesServiceSupport(dir)) {
            // The shared defaults every service that depends on peerlift-service-support reads, below its own.
            Path support = dir.resolveSibling(SERVICE_SUPPORT);
            raw.putAll(loadProperties(support.resolve("src/main/resources/META-INF/microprofile-config.properties")));
        }
        raw.putAll(loadProperties(dir.resolve("src/main/resources/application.properties")));
        this.prodProperties = resolveProfile(raw, "prod");
        this.declaredKeys = new TreeSet<>();
        raw.stringPropertyNames().forEach(key -> declaredKeys.add(PROFILE_PREFIX.matcher(key).replaceFirst("")));
        Map<String, String> mapped = new TreeMap<>(ConfigMappings.keys(dir.resolve("src/main/java")));
        if (usesServiceSupport(dir)) {
            mapped.putAll(ConfigMappings.keys(dir.resolveSibling(SERVICE_SUPPORT).resolve("src/main/java")));
        }
        this.mappedKeys = mapped;
    }

    private static boolean usesServiceSupport(Path dir) {
        try {
            return Files.readString(dir.resolve("pom.xml")).contains("<artifactId>peerlift-service-support</artifactId>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the service takes tokens, roles and request limits from peerlift-service-support. */
    boolean usesServiceSupport() {
        return usesServiceSupport(dir);
    }

    /** The module as the work tree holds it, read once per test run. */
    static ServiceModule named(String name) {
        return LOADED.computeIfAbsent(name, ServiceModule::load);
    }

    private static ServiceModule load(String name) {
        Path dir = SourceTree.repoDir().resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("no module " + name + " in " + SourceTree.repoDir());
        }
        return new ServiceModule(name, dir);
    }

    static List<ServiceModule> all() {
        return NAMES.stream().map(ServiceModule::named).toList();
    }

    String name() {
        return name;
    }

    Optional<String> property(String key) {
        return Optional.ofNullable(prodProperties.get(key));
    }

    String requiredProperty(String key) {
        return property(key).orElseThrow(() -> new AssertionError(
                name + "/src/main/resources/application.properties does not set " + key));
    }

    int httpPort() {
        return Integer.parseInt(requiredProperty("quarkus.http.port"));
    }

    boolean persists() {
        return property("quarkus.datasource.db-kind").isPresent();
    }

    String artifactId() {
        return pomValue(readPom(dir.resolve("pom.xml")).getDocumentElement(), "artifactId")
                .orElseThrow(() -> new AssertionError(name + "/pom.xml has no artifactId"));
    }

    String version() {
        Element project = readPom(dir.resolve("pom.xml")).getDocumentElement();
        return pomValue(project, "version").or(() -> child(project, "parent").flatMap(parent -> pomValue(parent, "version")))
                .orElseThrow(() -> new AssertionError(name + "/pom.xml has no version"));
    }

    /**
     * The image name Quarkus gives the service: {@code quarkus.container-image.name}, which defaults to the
     * application name, which defaults to the artifactId.
     */
    String imageName() {
        return property("quarkus.container-image.name").orElseGet(this::applicationName);
    }

    /** {@code quarkus.application.name}, which defaults to the artifactId. */
    String applicationName() {
        return property("quarkus.application.name").orElseGet(this::artifactId);
    }

    /** The tag Quarkus gives the image: {@code quarkus.container-image.tag}, by default the project version. */
    String imageTag() {
        return property("quarkus.container-image.tag").orElseGet(this::version);
    }

    /** Every key this service reads: application.properties, its @ConfigMapping interfaces and @ConfigProperty names. */
    Set<String> configKeys() {
        Set<String> keys = new TreeSet<>(declaredKeys);
        keys.addAll(mappedKeys.keySet());
        return keys;
    }

    /** The value the prod profile sees without any environment: application.properties, else the @WithDefault. */
    Optional<String> defaultValue(String key) {
        return property(key).or(() -> Optional.ofNullable(mappedKeys.get(key)));
    }

    /** The Kafka channels declared in application.properties, by direction and name. */
    List<Channel> channels() {
        Map<String, Map<String, String>> attributes = new TreeMap<>();
        prodProperties.forEach((key, value) -> {
            Matcher matcher = CHANNEL_KEY.matcher(key);
            if (matcher.matches()) {
                attributes.computeIfAbsent(matcher.group(1) + " " + matcher.group(2), k -> new LinkedHashMap<>())
                        .put(matcher.group(3), value);
            }
        });
        return attributes.entrySet().stream().map(entry -> {
            String[] directionAndName = entry.getKey().split(" ");
            return new Channel(directionAndName[0].equals("incoming"), directionAndName[1], entry.getValue());
        }).toList();
    }

    /** A messaging channel; its topic defaults to its name, as in SmallRye Reactive Messaging. */
    record Channel(boolean incoming, String name, Map<String, String> attributes) {

        String topic() {
            return attributes.getOrDefault("topic", name);
        }

        /** Quarkus picks the Kafka connector for a channel that names none when it is the only one present. */
        boolean isKafka() {
            return attributes.getOrDefault("connector", "smallrye-kafka").equals("smallrye-kafka");
        }

        /** The topic the dead-letter-queue failure strategy writes to, if this incoming channel uses it. */
        Optional<String> deadLetterTopic() {
            if (!incoming || !"dead-letter-queue".equals(attributes.get("failure-strategy"))) {
                return Optional.empty();
            }
            return Optional.of(attributes.getOrDefault("dead-letter-queue.topic", "dead-letter-topic-" + name));
        }
    }

    private static Properties loadProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
        return properties;
    }

    /** The values a profile sees: its %profile.key entries override the plain ones. */
    private static Map<String, String> resolveProfile(Properties raw, String profile) {
        Map<String, String> resolved = new TreeMap<>();
        raw.stringPropertyNames().stream().filter(key -> !key.startsWith("%"))
                .forEach(key -> resolved.put(key, raw.getProperty(key)));
        raw.stringPropertyNames().stream().filter(key -> key.startsWith("%"))
                .forEach(key -> {
                    Matcher prefix = PROFILE_PREFIX.matcher(key);
                    if (prefix.find() && Stream.of(prefix.group().substring(1, prefix.group().length() - 1).split(","))
                            .anyMatch(profile::equals)) {
                        resolved.put(key.substring(prefix.end()), raw.getProperty(key));
                    }
                });
        return resolved;
    }

    private static Document readPom(Path pom) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot parse " + pom, e);
        }
    }

    private static Optional<String> pomValue(Element parent, String tag) {
        return child(parent, tag).map(element -> element.getTextContent().trim());
    }

    private static Optional<Element> child(Element parent, String tag) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                return Optional.of(element);
            }
        }
        return Optional.empty();
    }
}
