package io.peerlift.deploy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.peerlift.deploy.Overlays.OVERLAYS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What sets the overlays apart: a small lab with a simulated fleet (dev) and a production layout that survives the
 * loss of a node (prod).
 */
class OverlayShapeTest {

    private static final List<String> REPLICATED_SERVICES = List.of("profile-service", "rollout-service");
    private static final BigDecimal SMALL_MEMORY_REQUEST = Quantity.getAmountInBytes(new Quantity("256Mi"));

    @Test
    void devRunsOneOfEverythingWithSmallRequestsAndAFleetSimulator() {
        Manifests dev = Overlays.rendered("dev");

        dev.all(Deployment.class).forEach(deployment -> assertThat(deployment.getSpec().getReplicas())
                .as("replicas of %s", deployment.getMetadata().getName()).isEqualTo(1));
        dev.all(KafkaNodePool.class).forEach(pool -> assertThat(pool.getSpec().getReplicas())
                .as("replicas of node pool %s", pool.getMetadata().getName()).isEqualTo(1));
        dev.all(CloudNativePg.Cluster.class).forEach(cluster -> assertThat(cluster.spec().instances())
                .as("instances of %s", cluster.metadata().getName()).isEqualTo(1));
        assertThat(ServiceManifestTest.fleetSimulators(dev)).as("fleet simulators in dev").hasSize(1);
        for (ServicePod pod : ServicePod.all(dev)) {
            if (!pod.isFleetSimulator()) {
                assertThat(Quantity.getAmountInBytes(pod.container().getResources().getRequests().get("memory")))
                        .as("memory request of %s", pod.describe()).isLessThanOrEqualTo(SMALL_MEMORY_REQUEST);
            }
        }
    }

    @Test
    void prodRunsTwoReplicasOfProfileAndRolloutOnDifferentNodesGuardedByDisruptionBudgets() {
        Manifests prod = Overlays.rendered("prod");

        assertThat(ServiceManifestTest.fleetSimulators(prod)).as("fleet simulators in prod: endpoints are real").isEmpty();
        for (String name : REPLICATED_SERVICES) {
            Deployment deployment = prod.named(Deployment.class, name);
            Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(deployment.getSpec().getReplicas()).as("replicas of %s", name).isEqualTo(2);

            List<PodAffinityTerm> antiAffinity = Stream.concat(
                    deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
                            .getRequiredDuringSchedulingIgnoredDuringExecution().stream(),
                    deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
                            .getPreferredDuringSchedulingIgnoredDuringExecution().stream()
                            .map(weighted -> weighted.getPodAffinityTerm())).toList();
            assertThat(antiAffinity).as("anti-affinity of %s", name).anySatisfy(term -> {
                assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(podLabels.entrySet()).containsAll(term.getLabelSelector().getMatchLabels().entrySet());
            });

            assertThat(prod.all(PodDisruptionBudget.class)).as("disruption budgets of %s", name).anySatisfy(budget -> {
                assertThat(podLabels.entrySet()).containsAll(budget.getSpec().getSelector().getMatchLabels().entrySet());
                assertThat(budget.getSpec().getMinAvailable().getIntVal()).isPositive().isLessThan(2);
            });
        }
    }

    @Test
    void prodKeepsThreeCopiesOfEveryRecordAndOfEveryDatabase() {
        Manifests prod = Overlays.rendered("prod");
        Kafka kafka = KafkaManifestTest.theKafka(prod);

        assertThat(KafkaManifestTest.brokers(prod, kafka)).isGreaterThanOrEqualTo(3);
        prod.all(KafkaTopic.class).forEach(topic -> assertThat(topic.getSpec().getReplicas())
                .as("replicas of %s", KafkaManifestTest.topicName(topic)).isEqualTo(3));
        assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("min.insync.replicas", 2)
                .containsEntry("default.replication.factor", 3).containsEntry("offsets.topic.replication.factor", 3);
        prod.all(CloudNativePg.Cluster.class).forEach(cluster -> assertThat(cluster.spec().instances())
                .as("instances of %s", cluster.metadata().getName()).isEqualTo(3));
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void aVolumeSharedByReplicasCanBeMountedByAllOfThem(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        for (Deployment deployment : manifests.all(Deployment.class)) {
            deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(volume -> volume.getPersistentVolumeClaim() != null)
                    .map(volume -> manifests.named(PersistentVolumeClaim.class, volume.getPersistentVolumeClaim().getClaimName()))
                    .forEach(claim -> {
                        if (deployment.getSpec().getReplicas() > 1) {
                            assertThat(claim.getSpec().getAccessModes())
                                    .as("access modes of %s, mounted by %d replicas of %s", claim.getMetadata().getName(),
                                            deployment.getSpec().getReplicas(), deployment.getMetadata().getName())
                                    .contains("ReadWriteMany");
                        }
                    });
        }
    }
}
