package io.peerlift.device.agent;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.discovery.DiscoveryHub;
import io.peerlift.device.domain.DeviceEventSink;
import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.device.download.ChunkStore;
import io.peerlift.device.peer.PayloadClient;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.events.TrustedReleaseKeys;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

import java.time.Clock;

/**
 * What the devices of one process share: the event loops, the peer servers and discovery sockets (one per port),
 * the HTTP client, the chunk store, the event sink, the metrics, the configuration and the release keys the
 * devices trust (none provisioned: they install nothing). A device adds only its own state to it: an idle
 * device holds no thread and no socket.
 */
public record DeviceContext(Vertx vertx, DeviceServiceConfig config, TrustedReleaseKeys releaseKeys,
                            PeerServers peerServers, DiscoveryHub discoveryHub, DiscoveryClient discoveryClient,
                            PayloadClient payloads, ChunkStore store, DeviceEventSink events, DeviceMetrics metrics,
                            Clock clock) {

    /**
     * A context of its own for one upgrade, on the next event loop in turn. Not the caller's: commands arrive on the
     * Kafka consumer's context, and {@code getOrCreateContext()} there put every download of a fleet, its discovery,
     * its SHA-256 and its ordered chunk writes on that one event loop and one ordered queue of blocking work.
     */
    public Context newJobContext() {
        return ((VertxInternal) vertx).createEventLoopContext();
    }
}
