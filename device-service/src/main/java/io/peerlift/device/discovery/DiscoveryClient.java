package io.peerlift.device.discovery;

import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Subnet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Asks the subnet "who has app X version V" and collects the unicast answers for a window, on the event loop: no
 * thread waits. Every answer is checked by {@link DiscoveryRules}; one that breaks a rule is dropped and counted,
 * as is a second answer from the same source, an answer past {@link #MAX_OFFERS}, or one from a source over its
 * rate ({@link #ANSWERS_PER_SECOND}, counted over every request of one requesting device).
 */
public final class DiscoveryClient {

    static final int MAX_OFFERS = 64;
    static final long ANSWERS_PER_SECOND = 50;
    private static final Subnet LOOPBACK = Subnet.parse("127.0.0.0/8");

    private final Vertx vertx;
    private final DeviceMetrics metrics;
    /**
     * Keyed by requester and source: a simulated fleet's devices share this process, and a holder that answers
     * each of its subnet's requesters once a round must not be over the rate of a single one of them.
     */
    private final SourceRateLimit<Route> limit = new SourceRateLimit<>(ANSWERS_PER_SECOND);

    private record Route(String requester, String source) {
    }

    public DiscoveryClient(Vertx vertx, DeviceMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /**
     * Where a request from {@code subnet} goes: its broadcast address in a real subnet, the loopback broadcast
     * 127.255.255.255 for the simulated subnets of a fleet (the hub hands it to the sender's subnet only).
     */
    public static String broadcastAddressOf(Subnet subnet) {
        return LOOPBACK.contains(subnet.networkAddress()) ? LOOPBACK.broadcastAddress() : subnet.broadcastAddress();
    }

    /**
     * Broadcasts one request from {@code ownAddress} and completes after {@code window} with the valid offers, least
     * loaded first (most free slots, then fewest active uploads).
     */
    public Future<List<PeerOffer>> discover(String ownAddress, Subnet subnet, int port, String deviceId, String app,
                                            String version, Duration window) {
        DiscoveryMessage.Request request = new DiscoveryMessage.Request(UUID.randomUUID(), deviceId, app, version);
        Round round = new Round(request, subnet, ownAddress);
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setBroadcast(true));
        socket.handler(round::onDatagram);
        Promise<List<PeerOffer>> offers = Promise.promise();
        socket.listen(0, ownAddress)
                .compose(bound -> socket.send(Buffer.buffer(DiscoveryMessage.encode(request)), port,
                        broadcastAddressOf(subnet)))
                .onSuccess(sent -> vertx.setTimer(Math.max(1, window.toMillis()), t -> offers.tryComplete(round.offers())))
                .onFailure(e -> offers.tryFail(new IllegalStateException(
                        "the discovery request could not be sent: " + e.getMessage(), e)));
        return offers.future().eventually(() -> socket.close());
    }

    /** One request's window: the answers so far and who sent them. */
    private final class Round {
        private final DiscoveryMessage.Request request;
        private final Subnet subnet;
        private final String ownAddress;
        private final List<PeerOffer> offers = new ArrayList<>();
        private final Set<String> sources = new HashSet<>();

        Round(DiscoveryMessage.Request request, Subnet subnet, String ownAddress) {
            this.request = request;
            this.subnet = subnet;
            this.ownAddress = ownAddress;
        }

        /** Runs on the socket's event loop only. */
        void onDatagram(DatagramPacket packet) {
            String sender = packet.sender().host();
            if (!limit.allows(new Route(ownAddress, sender))) {
                metrics.dropped("rate-limited");
                return;
            }
            DiscoveryMessage message;
            try {
                message = DiscoveryMessage.decode(packet.data().getBytes());
            } catch (DiscoveryMessage.RejectedDatagramException e) {
                metrics.dropped(e.reason());
                return;
            }
            if (!(message instanceof DiscoveryMessage.Answer answer)) {
                metrics.dropped("not-an-answer");
                return;
            }
            Optional<String> rejection = DiscoveryRules.rejectAnswer(request, request.deviceId(), subnet, sender, answer);
            if (rejection.isEmpty() && !sources.add(sender)) {
                rejection = Optional.of("repeated");
            }
            if (rejection.isEmpty() && offers.size() >= MAX_OFFERS) {
                rejection = Optional.of("too-many");
            }
            rejection.ifPresentOrElse(metrics::dropped, () -> offers.add(answer.offer()));
        }

        List<PeerOffer> offers() {
            return offers.stream()
                    .sorted(Comparator.comparingInt(PeerOffer::freeSlots).reversed()
                            .thenComparingInt(PeerOffer::activeUploads))
                    .toList();
        }
    }
}
