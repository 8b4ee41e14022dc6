package io.peerlift.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objects of one rendered overlay, each parsed into its typed model: fabric8's for Kubernetes itself,
 * Strimzi's own {@code io.strimzi:api} for Kafka, and the strict models of {@link CloudNativePg} and
 * {@link PrometheusOperator}. Parsing fails on any kind without a model, any field the model does not know
 * and any value of the wrong type, naming the object and the field.
 */
final class Manifests {

    static final String STRIMZI_API_VERSION = "kafka.strimzi.io/v1";

    private static final Map<String, Class<? extends HasMetadata>> STRIMZI_KINDS = Map.of(
            "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class,
            "KafkaTopic", KafkaTopic.class, "KafkaUser", KafkaUser.class);

    private static final Map<String, Class<? extends Record>> STRICT_KINDS = Map.of(
            CloudNativePg.API_VERSION + "/Cluster", CloudNativePg.Cluster.class,
            PrometheusOperator.API_VERSION + "/ServiceMonitor", PrometheusOperator.ServiceMonitor.class,
            PrometheusOperator.API_VERSION + "/PodMonitor", PrometheusOperator.PodMonitor.class);

    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final String overlay;
    private final List<Object> objects;

    private Manifests(String overlay, List<Object> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    /** Renders {@code deploy/k8s/overlays/<overlay>} and parses every object. */
    static Manifests ofOverlay(String overlay) {
        Path dir = SourceTree.overlaysDir().resolve(overlay);
        List<Object> objects = new ArrayList<>();
        for (JsonNode node : Kustomize.render(dir)) {
            objects.add(parse(overlay, node));
        }
        return new Manifests(overlay, List.copyOf(objects));
    }

    /** Parses one object into its typed model; {@code source} names where it came from in failure messages. */
    static Object parse(String source, JsonNode node) {
        String apiVersion = node.path("apiVersion").asString("");
        String kind = node.path("kind").asString("");
        String where = source + ": " + apiVersion + " " + kind + " " + node.path("metadata").path("name").asString("");
        Object typed;
        try {
            typed = toTyped(apiVersion, kind, node);
        } catch (RuntimeException e) {
            throw new AssertionError(where + " does not match its schema: " + e.getMessage(), e);
        }
        List<String> unknown = SchemaViolations.unknownFields(typed);
        if (!unknown.isEmpty()) {
            throw new AssertionError(where + " has fields its schema does not define (or values of the wrong type): "
                    + unknown);
        }
        return typed;
    }

    private static Object toTyped(String apiVersion, String kind, JsonNode node) {
        Class<? extends Record> strict = STRICT_KINDS.get(apiVersion + "/" + kind);
        if (strict != null) {
            return STRICT.treeToValue(node, strict);
        }
        if (apiVersion.startsWith("kafka.strimzi.io/")) {
            if (!STRIMZI_API_VERSION.equals(apiVersion) || !STRIMZI_KINDS.containsKey(kind)) {
                throw new IllegalArgumentException("Strimzi objects must use " + STRIMZI_API_VERSION + " and one of "
                        + STRIMZI_KINDS.keySet());
            }
            return KUBERNETES.convertValue(node, STRIMZI_KINDS.get(kind));
        }
        Class<? extends KubernetesResource> type = KUBERNETES.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null || type == GenericKubernetesResource.class) {
            throw new IllegalArgumentException("no schema known for " + apiVersion + " " + kind);
        }
        return KUBERNETES.convertValue(node, type);
    }

    String overlay() {
        return overlay;
    }

    List<Object> objects() {
        return objects;
    }

    <T> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(object -> name.equals(metadata(object).getName())).findFirst();
    }

    <T> T named(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                overlay + " renders no " + type.getSimpleName() + " named " + name));
    }

    /** The metadata of a typed object of any of the models. */
    static ObjectMeta metadata(Object object) {
        if (object instanceof HasMetadata resource) {
            return resource.getMetadata();
        }
        if (object instanceof CloudNativePg.Cluster cluster) {
            return cluster.metadata();
        }
        if (object instanceof PrometheusOperator.ServiceMonitor monitor) {
            return monitor.metadata();
        }
        if (object instanceof PrometheusOperator.PodMonitor monitor) {
            return monitor.metadata();
        }
        throw new IllegalArgumentException("no metadata on " + object.getClass());
    }

    static String describe(Object object) {
        return object.getClass().getSimpleName() + " " + metadata(object).getName();
    }
}
