package io.peerlift.device.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.domain.ContentStore;
import io.peerlift.device.domain.DeviceContext;
import io.peerlift.device.domain.DeviceEventSink;
import io.peerlift.device.domain.DeviceSettings;
import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds what the hosted devices share, from configuration and the platform's Vert.x and metrics. */
@ApplicationScoped
public class DeviceRuntime {

    private final ExecutorService workers = Executors.newCachedThreadPool(daemonThreads("device-worker-"));

    @Produces
    @Singleton
    DeviceContext deviceContext(Vertx vertx, MeterRegistry meters, DeviceServiceConfig config, DeviceEventSink events) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .executor(workers)
                .build();
        // A fleet's devices share one listener per port (on 0.0.0.0, told apart by address); an agent binds its own.
        PeerServers peerServers = new PeerServers(vertx, config.peerServerIdleTimeout(),
                config.mode() == DeviceServiceConfig.Mode.FLEET);
        DeviceMetrics metrics = new DeviceMetrics(meters);
        return new DeviceContext(vertx, http, workers, peerServers, new DiscoveryHub(vertx, metrics),
                new DiscoveryClient(vertx, metrics), new ContentStore(config.dataDir().resolve("store")), events,
                metrics, settings(config), Clock.systemUTC());
    }

    static DeviceSettings settings(DeviceServiceConfig config) {
        return new DeviceSettings(config.installDuration(), config.rebootDelay(), config.serveBeforeReboot(),
                config.uploadRateBytesPerSecond(), config.discoveryWindow(), config.discoveryBackoff(),
                config.discoveryBackoffMax(), config.wanFallbackAfterRounds(), config.wanAttempts(),
                config.progressInterval(), config.requestTimeout(), config.discoveryPort(), config.peerServerPort(),
                config.peerServerLimit(), config.peerServerConnectionsBeyondSlots(), config.baseSystemApp());
    }

    @PreDestroy
    void shutdown() {
        workers.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
