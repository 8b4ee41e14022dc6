package io.peerlift.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema check itself: it must refuse what the API server or an operator would refuse. */
class SchemaCheckTest {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private static Object parse(String yaml) {
        return Manifests.parse("test", YAML.readValue(yaml, JsonNode.class));
    }

    @Test
    void acceptsAWellFormedDeployment() {
        assertThat(parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i, ports: [{containerPort: 8081}]}]
                """)).isInstanceOf(io.fabric8.kubernetes.api.model.apps.Deployment.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // a misspelt field deep in a pod template
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              template:
                spec:
                  containers: [{name: c, image: i, readinessProbe: {httpGet: {path: /q/health/ready, prot: http}}}]
            """,
            // a value of the wrong type
            """
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec: {ports: [{port: {number: 8081}}]}
            """,
            // an unknown field in a Strimzi ACL rule
            """
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaUser
            metadata: {name: u}
            spec:
              authorization:
                type: simple
                acls: [{resource: {type: topic, name: t}, operations: [Read], hots: "*"}]
            """,
            // an older Strimzi API version
            """
            apiVersion: kafka.strimzi.io/v1beta2
            kind: KafkaTopic
            metadata: {name: t}
            spec: {partitions: 1}
            """,
            // an unknown CloudNativePG field
            """
            apiVersion: postgresql.cnpg.io/v1
            kind: Cluster
            metadata: {name: db}
            spec: {instances: 1, storage: {size: 1Gi}, replicas: 3}
            """,
            // a CloudNativePG cluster without its required storage
            """
            apiVersion: postgresql.cnpg.io/v1
            kind: Cluster
            metadata: {name: db}
            spec: {instances: 1}
            """,
            // a ServiceMonitor endpoint without a port
            """
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: m}
            spec: {selector: {matchLabels: {a: b}}, endpoints: [{path: /q/metrics}]}
            """,
            // a kind nobody defined
            """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            """})
    void refuses(String yaml) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(AssertionError.class).hasMessageContaining("test: ");
    }
}
