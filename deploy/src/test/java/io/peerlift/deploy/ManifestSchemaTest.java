package io.peerlift.deploy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.peerlift.deploy.Overlays.OVERLAYS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every overlay renders with kubectl kustomize and every object in it parses into its typed model without an
 * unknown field (see {@link Manifests}); plus what the Strimzi v1 API requires beyond the Java model, which
 * still carries the fields that v1 dropped.
 */
class ManifestSchemaTest {

    @Test
    void thereIsADevAndAProdOverlay() {
        assertThat(Overlays.names()).contains("dev", "prod");
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everyObjectParsesIntoItsSchema(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);

        assertThat(manifests.objects()).isNotEmpty();
        assertThat(manifests.all(Kafka.class)).hasSize(1);
        assertThat(manifests.all(KafkaNodePool.class)).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everyObjectLivesInTheOverlaysOwnNamespace(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Namespace namespace = manifests.all(Namespace.class).stream().reduce((a, b) -> {
            throw new AssertionError(overlay + " renders more than one Namespace");
        }).orElseThrow(() -> new AssertionError(overlay + " renders no Namespace"));

        manifests.objects().stream().filter(object -> !(object instanceof Namespace)).forEach(object ->
                assertThat(Manifests.metadata(object).getNamespace())
                        .as("namespace of %s in %s", Manifests.describe(object), overlay)
                        .isEqualTo(namespace.getMetadata().getName()));
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void noSecretIsKeptInGit(String overlay) {
        assertThat(Overlays.rendered(overlay).all(Secret.class))
                .as("Secrets in %s: credentials come from the operators (Strimzi, CloudNativePG)", overlay)
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void strimziObjectsUseOnlyWhatTheV1ApiKeeps(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        // Parsing already refused any other apiVersion than v1. The v1 API makes .spec required everywhere and
        // drops the ZooKeeper-era and deprecated fields, which the Java model still has.
        for (Kafka kafka : manifests.all(Kafka.class)) {
            assertThat(kafka.getSpec()).isNotNull();
            assertThat(kafka.getSpec().getKafka().getListeners()).as("listeners (required)").isNotEmpty();
            assertThat(kafka.getSpec().getZookeeper()).as("spec.zookeeper (removed in v1)").isNull();
            assertThat(kafka.getSpec().getJmxTrans()).as("spec.jmxTrans (removed in v1)").isNull();
            if (kafka.getSpec().getEntityOperator() != null) {
                assertThat(kafka.getSpec().getEntityOperator().getTlsSidecar()).as("tlsSidecar (removed in v1)").isNull();
            }
        }
        for (KafkaNodePool pool : manifests.all(KafkaNodePool.class)) {
            assertThat(pool.getSpec()).isNotNull();
            assertThat(pool.getSpec().getRoles()).as("roles of node pool %s (required)", pool.getMetadata().getName())
                    .isNotEmpty();
            assertThat(pool.getSpec().getStorage()).as("storage of node pool %s (required)", pool.getMetadata().getName())
                    .isNotNull();
            assertThat(pool.getMetadata().getLabels()).containsKey("strimzi.io/cluster");
        }
        for (KafkaTopic topic : manifests.all(KafkaTopic.class)) {
            assertThat(topic.getSpec()).as("spec of KafkaTopic %s", topic.getMetadata().getName()).isNotNull();
        }
        for (KafkaUser user : manifests.all(KafkaUser.class)) {
            assertThat(user.getSpec()).as("spec of KafkaUser %s", user.getMetadata().getName()).isNotNull();
            if (user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple) {
                simple.getAcls().forEach(rule -> {
                    assertThat(rule.getOperation()).as("acls[].operation (removed in v1) of %s", user.getMetadata().getName())
                            .isNull();
                    assertThat(rule.getOperations()).as("acls[].operations (required in v1)").isNotEmpty();
                });
            }
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void postgresClustersHaveADatabaseAndStorage(String overlay) {
        for (CloudNativePg.Cluster cluster : Overlays.rendered(overlay).all(CloudNativePg.Cluster.class)) {
            assertThat(cluster.spec().instances()).as("instances of %s", cluster.metadata().getName()).isPositive();
            assertThat(cluster.spec().bootstrap().initdb()).as("initdb of %s", cluster.metadata().getName()).isNotNull();
            assertThat(cluster.spec().storage().size()).matches("\\d+[KMGT]i");
        }
    }
}
