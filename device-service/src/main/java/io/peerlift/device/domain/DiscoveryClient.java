package io.peerlift.device.domain;

import io.peerlift.device.domain.DiscoveryMessage.RejectedDatagramException;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Subnet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Asks the subnet "who has app X version V" and collects the unicast answers for a short window. */
public final class DiscoveryClient {

    private static final Subnet LOOPBACK = Subnet.parse("127.0.0.0/8");

    private final Vertx vertx;
    private final DeviceMetrics metrics;

    public DiscoveryClient(Vertx vertx, DeviceMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /**
     * Where a request from {@code subnet} goes: its broadcast address in a real subnet, the loopback broadcast
     * 127.255.255.255 for the simulated subnets of a fleet (receivers filter by the sender's subnet).
     */
    public static String broadcastAddressOf(Subnet subnet) {
        return LOOPBACK.contains(subnet.networkAddress()) ? LOOPBACK.broadcastAddress() : subnet.broadcastAddress();
    }

    /**
     * Broadcasts one request from {@code ownAddress} and returns the offers received within {@code window}, least
     * loaded first (most free slots, then fewest active uploads). Blocks the calling thread for the window.
     */
    public List<PeerOffer> discover(String ownAddress, Subnet subnet, int port, String deviceId, String app,
                                    String version, Duration window) throws InterruptedException {
        UUID requestId = UUID.randomUUID();
        List<PeerOffer> offers = new ArrayList<>();
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setBroadcast(true));
        socket.handler(packet -> {
            try {
                if (DiscoveryMessage.decode(packet.data().getBytes()) instanceof DiscoveryMessage.Answer answer
                        && answer.requestId().equals(requestId)) {
                    synchronized (offers) {
                        offers.add(answer.offer());
                    }
                }
            } catch (RejectedDatagramException e) {
                metrics.dropped(e.reason());
            }
        });
        try {
            await(socket.listen(0, ownAddress).compose(bound -> socket.send(
                    Buffer.buffer(DiscoveryMessage.encode(new DiscoveryMessage.Request(requestId, deviceId, app, version))),
                    port, broadcastAddressOf(subnet))).toCompletionStage().toCompletableFuture());
            Thread.sleep(window.toMillis());
        } finally {
            socket.close();
        }
        synchronized (offers) {
            return offers.stream()
                    .sorted(Comparator.comparingInt(PeerOffer::freeSlots).reversed()
                            .thenComparingInt(PeerOffer::activeUploads))
                    .toList();
        }
    }

    private static void await(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("discovery request could not be sent: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("discovery request was not sent within 10 s", e);
        }
    }
}
