package io.peerlift.support.http;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Declines the HTTP/1.1 upgrade to cleartext HTTP/2 (h2c): the request stays HTTP/1.1 and its body streams. To
 * upgrade, the server must hold the whole body of the request that asks for it, and Java's HttpClient asks with its
 * first request: a 2 GiB package uploaded on a new connection filled rollout-service's 512 MiB heap within
 * seconds. HTTP/2 over TLS (ALPN) is not affected.
 */
@ApplicationScoped
public class NoCleartextHttp2Upgrade implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
