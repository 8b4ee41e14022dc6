package io.peerlift.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.List;

/**
 * The part of the Prometheus operator's {@code monitoring.coreos.com/v1} ServiceMonitor and PodMonitor that the
 * manifests use, typed after the operator's API reference (fabric8 8 publishes no model of them). Parsed strictly.
 */
final class PrometheusOperator {

    static final String API_VERSION = "monitoring.coreos.com/v1";

    private PrometheusOperator() {
    }

    record ServiceMonitor(@JsonProperty(required = true) String apiVersion, @JsonProperty(required = true) String kind,
                          @JsonProperty(required = true) ObjectMeta metadata,
                          @JsonProperty(required = true) ServiceMonitorSpec spec) {
    }

    record ServiceMonitorSpec(@JsonProperty(required = true) LabelSelector selector,
                              @JsonProperty(required = true) List<Endpoint> endpoints) {
    }

    record PodMonitor(@JsonProperty(required = true) String apiVersion, @JsonProperty(required = true) String kind,
                      @JsonProperty(required = true) ObjectMeta metadata,
                      @JsonProperty(required = true) PodMonitorSpec spec) {
    }

    record PodMonitorSpec(@JsonProperty(required = true) LabelSelector selector,
                          @JsonProperty(required = true) List<Endpoint> podMetricsEndpoints) {
    }

    /** A scrape endpoint: a named port of the Service (or Pod) and the metrics path on it. */
    record Endpoint(@JsonProperty(required = true) String port, String path, String interval, String scheme) {
    }
}
