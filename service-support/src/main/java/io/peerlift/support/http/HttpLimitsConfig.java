package io.peerlift.support.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** What {@link RequestLimits} lets in. */
@ConfigMapping(prefix = "peerlift.http")
public interface HttpLimitsConfig {

    /**
     * The longest request line (method, URI and protocol version, as {@code GET /api/devices?after=... HTTP/1.1}) a
     * service takes; a longer one gets 414 problem+json. The server itself reads lines up to
     * {@code quarkus.http.limits.max-initial-line-length} (set far above this one by service-support), past which it
     * answers a bare 414 before any route runs.
     */
    @WithDefault("4096")
    int maxRequestLineLength();

    /** The largest body, in bytes, of a request to a route that is not an upload; larger ones get 413. */
    @WithDefault("1048576")
    long maxBodySize();

    /**
     * Regular expressions of the paths whose PUT or POST bodies are uploads (package payloads), exempt from
     * {@link #maxBodySize()}; the server's own {@code quarkus.http.limits.max-body-size} bounds them.
     */
    Optional<List<String>> uploadPaths();
}
