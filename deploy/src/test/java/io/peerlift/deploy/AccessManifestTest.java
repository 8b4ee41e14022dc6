package io.peerlift.deploy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.strimzi.api.kafka.model.kafka.Kafka;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.peerlift.deploy.Overlays.OVERLAYS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who reaches the services and whom they reach: an Ingress that serves the admin APIs and the device gateway over
 * TLS only, and NetworkPolicies that let each service take connections on its HTTP port alone and connect only to
 * Kafka, its own database, DNS and HTTPS (the token issuer).
 */
class AccessManifestTest {

    private static final Set<String> BEHIND_THE_INGRESS = Set.of("profile-service", "rollout-service", "device-service");

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void theAdminApisAndTheGatewayAreServedOverTlsOnly(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        List<Ingress> ingresses = manifests.all(Ingress.class);
        assertThat(ingresses).as("Ingresses of %s", overlay).hasSize(1);
        Ingress ingress = ingresses.get(0);
        Set<String> tlsHosts = ingress.getSpec().getTls().stream().peek(tls -> assertThat(tls.getSecretName())
                        .as("TLS Secret of %s", overlay).isNotBlank())
                .map(IngressTLS::getHosts).flatMap(List::stream).collect(Collectors.toSet());
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/force-ssl-redirect", "true");

        Set<String> routed = new TreeSet<>();
        for (IngressRule rule : ingress.getSpec().getRules()) {
            assertThat(tlsHosts).as("hosts with a certificate").contains(rule.getHost());
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                String serviceName = path.getBackend().getService().getName();
                Service service = manifests.named(Service.class, serviceName);
                String port = path.getBackend().getService().getPort().getName();
                assertThat(service.getSpec().getPorts()).as("port %s of Service %s", port, serviceName)
                        .anyMatch(servicePort -> port.equals(servicePort.getName()));
                routed.add(serviceName);
            }
        }
        assertThat(routed).containsExactlyInAnyOrderElementsOf(BEHIND_THE_INGRESS);
    }

    @ParameterizedTest
    @MethodSource(OVERLAYS)
    void eachServiceTakesConnectionsOnItsHttpPortOnlyAndConnectsOnlyWhereItMust(String overlay) {
        Manifests manifests = Overlays.rendered(overlay);
        Kafka kafka = KafkaManifestTest.theKafka(manifests);
        int kafkaPort = kafka.getSpec().getKafka().getListeners().get(0).getPort();
        for (ServicePod pod : ServicePod.all(manifests)) {
            if (!BEHIND_THE_INGRESS.contains(pod.deployment().getMetadata().getName())) {
                continue; // the lab's simulator
            }
            Map<String, String> labels = pod.deployment().getSpec().getTemplate().getMetadata().getLabels();
            List<NetworkPolicy> policies = manifests.all(NetworkPolicy.class).stream()
                    .filter(policy -> selects(policy.getSpec().getPodSelector(), labels)).toList();
            assertThat(policies).as("NetworkPolicies of %s", pod.describe()).hasSize(1);
            NetworkPolicy policy = policies.get(0);
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");

            Set<Object> ingressPorts = policy.getSpec().getIngress().stream()
                    .flatMap(rule -> rule.getPorts().stream()).map(p -> p.getPort().getValue())
                    .collect(Collectors.toSet());
            assertThat(ingressPorts).as("ports open on %s", pod.describe())
                    .containsExactly(pod.module().httpPort());
            assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> assertThat(rule.getFrom())
                    .as("every ingress rule of %s names its sources", pod.describe()).isNotEmpty());

            Set<Integer> egressPorts = policy.getSpec().getEgress().stream()
                    .flatMap(rule -> rule.getPorts().stream()).map(NetworkPolicyPort::getPort)
                    .map(IntOrString::getIntVal).collect(Collectors.toSet());
            Set<Integer> expected = new TreeSet<>(Set.of(kafkaPort, 53, 443));
            if (pod.environment().containsKey("QUARKUS_DATASOURCE_JDBC_URL")) {
                expected.add(5432);
            }
            if (pod.environment().containsKey("PEERLIFT_ROLLOUT_PROFILE_SERVICE_URL")) {
                expected.add(URI.create(pod.literal("PEERLIFT_ROLLOUT_PROFILE_SERVICE_URL")).getPort());
            }
            assertThat(egressPorts).as("ports %s connects to", pod.describe()).containsExactlyInAnyOrderElementsOf(expected);
            for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
                boolean internal = rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == kafkaPort
                        || p.getPort().getIntVal() == 5432 || p.getPort().getIntVal() == 8081);
                if (internal) {
                    assertThat(rule.getTo()).as("Kafka, PostgreSQL and profile-service rules of %s name their pods",
                                    pod.describe())
                            .isNotEmpty();
                }
            }
        }
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        return selector.getMatchLabels() != null && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }
}
