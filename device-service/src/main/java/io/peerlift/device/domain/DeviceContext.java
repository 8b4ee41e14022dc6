package io.peerlift.device.domain;

import io.vertx.core.Vertx;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * What the devices of one process share: the event loop for UDP, the HTTP client, worker threads (downloads,
 * upgrades and peer-server uploads block), the content store, the event sink and the settings.
 */
public record DeviceContext(Vertx vertx, HttpClient http, ExecutorService workers, ContentStore store,
                            DeviceEventSink events, DeviceMetrics metrics, DeviceSettings settings,
                            Clock clock) {

    public DiscoveryClient discoveryClient() {
        return new DiscoveryClient(vertx, metrics);
    }
}
