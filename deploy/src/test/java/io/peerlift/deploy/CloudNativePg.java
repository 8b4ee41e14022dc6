package io.peerlift.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.Map;

/**
 * The part of CloudNativePG's {@code postgresql.cnpg.io/v1 Cluster} that the manifests use, typed after the
 * operator's API reference (no Java model of it is published). Parsing is strict: a field that is not here,
 * or a missing required one, fails the test, so a typo cannot slip through to the operator's webhook.
 */
final class CloudNativePg {

    static final String API_VERSION = "postgresql.cnpg.io/v1";

    private CloudNativePg() {
    }

    record Cluster(@JsonProperty(required = true) String apiVersion, @JsonProperty(required = true) String kind,
                   @JsonProperty(required = true) ObjectMeta metadata, @JsonProperty(required = true) Spec spec) {

        /** The Service through which clients reach the primary. */
        String readWriteService() {
            return metadata.getName() + "-rw";
        }

        /** The Secret the operator generates with the application owner's credentials. */
        String appSecret() {
            return metadata.getName() + "-app";
        }
    }

    record Spec(@JsonProperty(required = true) Integer instances, String imageName,
                PrimaryUpdateStrategy primaryUpdateStrategy, Bootstrap bootstrap,
                @JsonProperty(required = true) Storage storage, ResourceRequirements resources,
                Affinity affinity, Postgresql postgresql) {
    }

    enum PrimaryUpdateStrategy {
        @JsonProperty("unsupervised") UNSUPERVISED,
        @JsonProperty("supervised") SUPERVISED
    }

    record Bootstrap(InitDb initdb) {
    }

    record InitDb(@JsonProperty(required = true) String database, @JsonProperty(required = true) String owner,
                  SecretReference secret) {
    }

    record SecretReference(@JsonProperty(required = true) String name) {
    }

    record Storage(@JsonProperty(required = true) String size, String storageClass) {
    }

    record Affinity(Boolean enablePodAntiAffinity, String topologyKey, String podAntiAffinityType) {
    }

    record Postgresql(Map<String, String> parameters) {
    }
}
