package io.peerlift.support.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** What {@link RequestLimits} lets in. */
@ConfigMapping(prefix = "peerlift.http")
public interface HttpLimitsConfig {

    /** The largest body, in bytes, of a request to a route that is not an upload; larger ones get 413. */
    @WithDefault("1048576")
    long maxBodySize();

    /**
     * Regular expressions of the paths whose PUT or POST bodies are uploads (package payloads), exempt from
     * {@link #maxBodySize()}; the server's own {@code quarkus.http.limits.max-body-size} bounds them.
     */
    Optional<List<String>> uploadPaths();
}
