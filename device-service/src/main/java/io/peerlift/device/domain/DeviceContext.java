package io.peerlift.device.domain;

import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.peer.PeerServers;
import io.vertx.core.Vertx;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * What the devices of one process share: the event loops, the peer servers and discovery sockets (one per port),
 * the HTTP client, worker threads (downloads and upgrades block), the content store, the event sink and the
 * settings.
 */
public record DeviceContext(Vertx vertx, HttpClient http, ExecutorService workers, PeerServers peerServers,
                            DiscoveryHub discoveryHub, DiscoveryClient discoveryClient, ContentStore store,
                            DeviceEventSink events, DeviceMetrics metrics, DeviceSettings settings,
                            Clock clock) {
}
