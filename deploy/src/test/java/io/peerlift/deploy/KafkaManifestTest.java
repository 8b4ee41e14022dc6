package io.peerlift.deploy;

import io.peerlift.events.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationTls;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.peerlift.deploy.Overlays.OVERLAYS;
import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka side of every overlay against the contract (io.peerlift.events.Topics) and the services' channels. */
class KafkaManifestTest {

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void topicsAreTheContractsTopicsAndTheirDeadLetterTopics(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Set<String> expected = Topics.all().stream()
                .flatMap(topic -> Stream.of(topic, Topics.deadLetterOf(topic)))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(manifests.all(KafkaTopic.class).stream().map(KafkaManifestTest::topicName))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void topicsBelongToTheClusterAndFitIt(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Kafka kafka = theKafka(manifests);
        int brokers = brokers(manifests, kafka);

        for (KafkaTopic topic : manifests.all(KafkaTopic.class)) {
            String name = topicName(topic);
            assertThat(topic.getMetadata().getLabels()).as("cluster label of %s", name)
                    .containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
            assertThat(topic.getSpec().getPartitions()).as("partitions of %s", name).isPositive();
            assertThat(topic.getSpec().getReplicas()).as("replicas of %s", name).isBetween(1, brokers);
            assertThat("compact".equals(topic.getSpec().getConfig().get("cleanup.policy")))
                    .as("%s compacted as the contract says", name)
                    .isEqualTo(Topics.isCompacted(name));
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void kafkaRunsInKraftModeBehindMutualTlsWithAcls(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Kafka kafka = theKafka(manifests);

        assertThat(pools(manifests, kafka).flatMap(pool -> pool.getSpec().getRoles().stream()))
                .as("roles of the node pools of %s", kafka.getMetadata().getName())
                .contains(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
        assertThat(kafka.getSpec().getKafka().getListeners()).allSatisfy(listener -> {
            assertThat(listener.isTls()).as("TLS on listener %s", listener.getName()).isTrue();
            assertThat(listener.getAuth()).as("authentication on listener %s", listener.getName())
                    .isInstanceOf(KafkaListenerAuthenticationTls.class);
        });
        assertThat(kafka.getSpec().getKafka().getAuthorization()).isInstanceOf(KafkaAuthorizationSimple.class);
        assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("auto.create.topics.enable", false);
        assertThat(kafka.getSpec().getEntityOperator().getTopicOperator()).as("topic operator").isNotNull();
        assertThat(kafka.getSpec().getEntityOperator().getUserOperator()).as("user operator").isNotNull();
        assertThat(kafka.getSpec().getKafkaExporter()).as("Kafka exporter (consumer lag metrics)").isNotNull();
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void prometheusScrapesTheKafkaExporterThatStrimziDeploys(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        String exporter = theKafka(manifests).getMetadata().getName() + "-kafka-exporter";

        assertThat(manifests.all(PrometheusOperator.PodMonitor.class)).as("PodMonitors of %s", exporter).anySatisfy(monitor -> {
            assertThat(monitor.spec().selector().getMatchLabels()).containsExactly(Map.entry("strimzi.io/name", exporter));
            assertThat(monitor.spec().podMetricsEndpoints()).anySatisfy(endpoint -> {
                assertThat(endpoint.port()).isEqualTo("tcp-prometheus");
                assertThat(endpoint.path()).isEqualTo("/metrics");
            });
        });
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void replicationSurvivesTheLossOfABrokerWhereThereAreSeveral(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Kafka kafka = theKafka(manifests);
        int brokers = brokers(manifests, kafka);
        var config = kafka.getSpec().getKafka().getConfig();
        int minInSync = ((Number) config.get("min.insync.replicas")).intValue();

        assertThat(((Number) config.get("default.replication.factor")).intValue()).isLessThanOrEqualTo(brokers);
        assertThat(((Number) config.get("offsets.topic.replication.factor")).intValue()).isLessThanOrEqualTo(brokers);
        for (KafkaTopic topic : manifests.all(KafkaTopic.class)) {
            int replicas = topic.getSpec().getReplicas();
            assertThat(minInSync).as("min.insync.replicas against replicas of %s", topicName(topic))
                    .isLessThanOrEqualTo(replicas);
            if (brokers > 1) {
                assertThat(minInSync).as("one broker of %s may fail", topicName(topic)).isLessThan(replicas);
            }
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void eachServiceHasATlsUserAllowedExactlyWhatItsChannelsUse(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Kafka kafka = theKafka(manifests);
        Set<String> topics = manifests.all(KafkaTopic.class).stream().map(KafkaManifestTest::topicName)
                .collect(Collectors.toSet());

        for (ServiceModule module : ServiceModule.all()) {
            KafkaUser user = manifests.named(KafkaUser.class, module.name());
            assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
            assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserTlsClientAuthentication.class);
            assertThat(user.getSpec().getAuthorization()).isInstanceOf(KafkaUserAuthorizationSimple.class);
            List<AclRule> rules = ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls();
            assertThat(rules).allSatisfy(rule -> assertThat(rule.getType()).isIn(null, AclRuleType.ALLOW));

            Set<String> needed = KafkaAccess.neededBy(module);
            assertThat(needed).as("%s declares no Kafka channel in its application.properties", module.name())
                    .isNotEmpty();
            assertThat(KafkaAccess.topicsOf(needed)).as("topics %s uses", module.name()).isSubsetOf(topics);
            assertThat(KafkaAccess.topicGrants(rules)).as("topic ACLs of %s", module.name())
                    .containsExactlyInAnyOrderElementsOf(needed);

            List<AclRule> groupRules = rules.stream().filter(rule -> rule.getResource() instanceof AclRuleGroupResource)
                    .toList();
            assertThat(groupRules).as("group ACLs of %s", module.name()).hasSize(1);
            AclRuleGroupResource group = (AclRuleGroupResource) groupRules.get(0).getResource();
            assertThat(group.getPatternType()).isEqualTo(AclResourcePatternType.PREFIX);
            assertThat(groupRules.get(0).getOperations()).containsExactly(AclOperation.READ);
            assertThat(KafkaAccess.consumerGroupsOf(module)).as("consumer groups of %s", module.name())
                    .allSatisfy(groupId -> assertThat(groupId).startsWith(group.getName()));
        }
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void everyReplicaInASharedConsumerGroupGetsAPartition(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        for (ServiceModule module : ServiceModule.all()) {
            int replicas = ServicePod.all(manifests).stream().filter(pod -> pod.module().name().equals(module.name()))
                    .map(ServicePod::deployment).distinct()
                    .mapToInt(deployment -> deployment.getSpec().getReplicas()).sum();
            for (ServiceModule.Channel channel : KafkaAccess.consumers(module)) {
                if (KafkaAccess.isPerProcess(KafkaAccess.groupOf(module, channel))) {
                    continue;
                }
                KafkaTopic topic = manifests.all(KafkaTopic.class).stream()
                        .filter(candidate -> topicName(candidate).equals(channel.topic())).findFirst().orElseThrow();
                assertThat(topic.getSpec().getPartitions())
                        .as("partitions of %s for %d replicas of %s in one group", channel.topic(), replicas, module.name())
                        .isGreaterThanOrEqualTo(replicas);
            }
        }
    }

    static String topicName(KafkaTopic topic) {
        return topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName() : topic.getMetadata().getName();
    }

    static Kafka theKafka(Manifests manifests) {
        List<Kafka> clusters = manifests.all(Kafka.class);
        assertThat(clusters).as("Kafka clusters in %s", manifests.overlay()).hasSize(1);
        return clusters.get(0);
    }

    static int brokers(Manifests manifests, Kafka kafka) {
        return pools(manifests, kafka).filter(pool -> pool.getSpec().getRoles().contains(ProcessRoles.BROKER))
                .mapToInt(pool -> pool.getSpec().getReplicas()).sum();
    }

    private static Stream<KafkaNodePool> pools(Manifests manifests, Kafka kafka) {
        return manifests.all(KafkaNodePool.class).stream()
                .filter(pool -> kafka.getMetadata().getName().equals(pool.getMetadata().getLabels().get("strimzi.io/cluster")));
    }
}
