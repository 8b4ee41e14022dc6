package io.peerlift.deploy;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** How Quarkus turns environment variables into configuration, to tell whether a variable sets anything. */
final class EnvironmentVariables {

    static final String JVM_OPTIONS = "JAVA_TOOL_OPTIONS";
    private static final String KAFKA_PREFIX = "KAFKA_";
    private static final Set<String> KAFKA_CLIENT_CONFIGS = Stream.of(
                    ProducerConfig.configNames(), ConsumerConfig.configNames(), AdminClientConfig.configNames())
            .flatMap(Set::stream).map(EnvironmentVariables::of).collect(Collectors.toUnmodifiableSet());

    private EnvironmentVariables() {
    }

    /** The variable SmallRye Config reads for a property: every non-alphanumeric character becomes '_', upper case. */
    static String of(String propertyKey) {
        return propertyKey.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    /** Whether the variable sets one of the keys; a '*' segment (a Map member) matches any name. */
    static boolean setsOneOf(String variable, Set<String> keys) {
        return keys.stream().anyMatch(key -> matches(variable, key));
    }

    private static boolean matches(String variable, String key) {
        if (!key.contains("*")) {
            return variable.equals(of(key));
        }
        String[] literal = key.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < literal.length; i++) {
            if (i > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(of(literal[i])));
        }
        return variable.matches(regex.toString());
    }

    /**
     * Whether Quarkus passes the variable to its Kafka clients: it hands every {@code KAFKA_*} variable to them,
     * lower-cased with '_' read as '.', so it counts only if that names a real producer, consumer or admin setting.
     */
    static boolean isKafkaClientConfig(String variable) {
        return variable.startsWith(KAFKA_PREFIX) && KAFKA_CLIENT_CONFIGS.contains(variable.substring(KAFKA_PREFIX.length()));
    }

    /** Whether the JVM itself reads the variable (its options), before any configuration does. */
    static boolean isJvmOptions(String variable) {
        return variable.equals(JVM_OPTIONS);
    }
}
