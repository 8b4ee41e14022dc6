package io.peerlift.device.discovery;

import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Subnet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.impl.VertxInternal;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The discovery responders of this process: one socket per port ({@code 0.0.0.0:port}, SO_REUSEADDR so that
 * another process may listen too), on the event loop. A request is decoded and checked once, then handed only to
 * the devices of the sender's subnet: in a fleet of 100 subnets no device sees another subnet's requests. Each
 * source may send {@link #REQUESTS_PER_SECOND} requests a second; more are dropped and counted.
 * <p>
 * For the devices of a subnet in this process the hub sends a request only the answers the requester keeps
 * ({@link DiscoveryClient#MAX_OFFERS}): the free holders first, in random order, then the busy ones. Every holder
 * answering every request was O(holders x requesters) datagrams a second on one event loop: in the 10,000-device
 * demo (100 a subnet) the hub's socket overflowed, requests were lost, and 8,155 downloads went to the WAN
 * although every subnet had peers. A real device is alone in its process and answers every request, as IGEL's do.
 * <p>
 * A device answers by unicast from its own address, so that the requester can check that the peer speaks for
 * itself (see {@link DiscoveryRules#rejectAnswer}).
 * <p>
 * Every socket of the hub lives on one context of its own, so that answering a request sends from the same event
 * loop without a hop per answer. The hub's sockets were created on whatever context first asked, in a fleet the
 * Kafka consumer's, where every download of the fleet also ran: under load that one event loop fell seconds
 * behind, the port's receive buffer overflowed (2,209 datagrams lost in the 10,000-device demo) and the requests
 * lost made silent rounds.
 */
public final class DiscoveryHub {

    private static final Logger LOG = Logger.getLogger(DiscoveryHub.class);
    static final long REQUESTS_PER_SECOND = 10;
    /**
     * The receive buffer asked for a port's socket: a poll of Upgrade commands (500) starts as many downloads at
     * once, and their requests wait here instead of being dropped. No deeper: when the hub falls behind, a deeper
     * queue only makes every answer staler (with 4 MiB, 3 MB of requests waited). Linux caps it at
     * {@code net.core.rmem_max}.
     */
    static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    private final Vertx vertx;
    private final DeviceMetrics metrics;
    private final Context context;
    private final Map<Integer, Future<PortSocket>> sockets = new HashMap<>();

    public DiscoveryHub(Vertx vertx, DeviceMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.context = ((VertxInternal) vertx).createEventLoopContext();
    }

    /** A device answering on a port; closing it stops the answers. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Answers the requests of {@code subnet} on {@code port} for the device at {@code address}.
     *
     * @param offers the offer for (app, version), empty when the device does not serve it; runs on the event loop
     */
    public synchronized Future<Registration> answer(int port, String deviceId, Subnet subnet, String address,
                                                    BiFunction<String, String, Optional<PeerOffer>> offers) {
        Future<PortSocket> socket = sockets.computeIfAbsent(port, this::open);
        Responder responder = new Responder(deviceId, address, offers, answerSocket(address));
        return socket.onFailure(e -> forget(port, socket)).map(bound -> {
            bound.add(subnet, responder);
            return () -> {
                bound.remove(subnet, responder);
                responder.from().onSuccess(DatagramSocket::close);
            };
        });
    }

    private Future<PortSocket> open(int port) {
        return onHubContext(() -> {
            DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReuseAddress(true)
                    .setReceiveBufferSize(RECEIVE_BUFFER_BYTES));
            PortSocket bound = new PortSocket();
            socket.handler(bound::onDatagram);
            return socket.listen(port, "0.0.0.0").map(bound);
        });
    }

    /**
     * The socket a device answers from, bound to its own address once for as long as it answers: a busy subnet asks
     * every holder many times a second, and a socket bound and closed per answer kept a simulated fleet's event
     * loops so busy that answers missed the requester's window.
     */
    private Future<DatagramSocket> answerSocket(String address) {
        return onHubContext(() -> vertx.createDatagramSocket(new DatagramSocketOptions()).listen(0, address))
                .onFailure(e -> LOG.warnf("cannot answer discovery from %s: %s", address, e.getMessage()));
    }

    /** Runs {@code opening} on the hub's context: a socket belongs to the context it is created on. */
    private <T> Future<T> onHubContext(Supplier<Future<T>> opening) {
        Promise<T> opened = Promise.promise();
        context.runOnContext(v -> opening.get().onComplete(opened));
        return opened.future();
    }

    private synchronized void forget(int port, Future<PortSocket> failed) {
        sockets.remove(port, failed);
    }

    private record Answering(Responder responder, PeerOffer offer) {
    }

    private record Responder(String deviceId, String address, BiFunction<String, String, Optional<PeerOffer>> offers,
                             Future<DatagramSocket> from) {
    }

    /** One port's socket and the devices answering on it, by subnet. */
    private final class PortSocket {
        private final Map<Subnet, Set<Responder>> bySubnet = new ConcurrentHashMap<>();
        private final SourceRateLimit<String> limit = new SourceRateLimit<>(REQUESTS_PER_SECOND);

        void add(Subnet subnet, Responder responder) {
            bySubnet.computeIfAbsent(subnet, s -> ConcurrentHashMap.newKeySet()).add(responder);
        }

        void remove(Subnet subnet, Responder responder) {
            bySubnet.computeIfPresent(subnet, (s, responders) -> {
                responders.remove(responder);
                return responders.isEmpty() ? null : responders;
            });
        }

        void onDatagram(DatagramPacket packet) {
            String sender = packet.sender().host();
            DiscoveryMessage.Request request = request(packet, sender);
            if (request == null) {
                return;
            }
            List<Answering> free = new ArrayList<>();
            List<Answering> busy = new ArrayList<>();
            boolean known = false;
            for (Map.Entry<Subnet, Set<Responder>> group : bySubnet.entrySet()) {
                if (group.getKey().contains(sender)) {
                    known = true;
                    for (Responder responder : group.getValue()) {
                        if (!responder.deviceId().equals(request.deviceId())) {
                            responder.offers().apply(request.app(), request.version()).ifPresent(offer ->
                                    (offer.freeSlots() > 0 ? free : busy).add(new Answering(responder, offer)));
                        }
                    }
                }
            }
            if (!known) {
                metrics.ignoredForeignSubnet();
            }
            Collections.shuffle(free);
            Collections.shuffle(busy);
            free.addAll(busy);
            free.stream().limit(DiscoveryClient.MAX_OFFERS).forEach(answering -> send(answering, request, packet));
        }

        private DiscoveryMessage.Request request(DatagramPacket packet, String sender) {
            if (!limit.allows(sender)) {
                metrics.dropped("rate-limited");
                return null;
            }
            DiscoveryMessage message;
            try {
                message = DiscoveryMessage.decode(packet.data().getBytes());
            } catch (DiscoveryMessage.RejectedDatagramException e) {
                metrics.dropped(e.reason());
                return null;
            }
            if (!(message instanceof DiscoveryMessage.Request request)) {
                metrics.dropped("not-a-request");
                return null;
            }
            Optional<String> rejection = DiscoveryRules.rejectRequest(request);
            rejection.ifPresent(metrics::dropped);
            return rejection.isPresent() ? null : request;
        }

        private void send(Answering answering, DiscoveryMessage.Request request, DatagramPacket packet) {
            Responder responder = answering.responder();
            Buffer answer = Buffer.buffer(DiscoveryMessage.encode(new DiscoveryMessage.Answer(request.requestId(),
                    answering.offer())));
            responder.from()
                    .compose(from -> from.send(answer, packet.sender().port(), packet.sender().host()))
                    .onFailure(e -> LOG.debugf("%s could not answer %s: %s", responder.deviceId(), packet.sender(),
                            e.getMessage()));
        }
    }
}
