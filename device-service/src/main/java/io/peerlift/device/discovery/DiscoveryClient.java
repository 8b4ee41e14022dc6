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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Asks the subnet "who has app X version V" and collects the unicast answers for a window, on the event loop: no
 * thread waits. A download asks through one {@link Lookup} for all its rounds. Every answer is checked by {@link DiscoveryRules}; one that breaks a rule is dropped and counted,
 * as is a second answer from the same source in a round, an answer past {@link #MAX_OFFERS}, or one from a source over its
 * rate ({@link #ANSWERS_PER_SECOND}, counted over every request of one requesting device).
 */
public final class DiscoveryClient {

    /**
     * The offers a round keeps: more choice than any download uses (whole-file takes the first free holder, a swarm
     * at most {@code max-in-flight} sources at once) and a bound on what one request costs a subnet of holders.
     */
    public static final int MAX_OFFERS = 16;
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
     * Starts the discovery of (app, version) for one download of the device at {@code ownAddress}: one socket, bound
     * to that address, for all of the download's rounds, closed by {@link Lookup#close()}.
     */
    public Lookup lookup(String ownAddress, Subnet subnet, int port, String deviceId, String app, String version) {
        return new Lookup(ownAddress, subnet, port, deviceId, app, version);
    }

    /**
     * One download's discovery. A round broadcasts a new request and collects for a window; an answer to an earlier
     * round of the same download that comes late (a loaded holder, a loaded network) is kept for the next round
     * instead of hitting a closed port, where a busy 1,000-device fleet lost thousands of answers a run.
     */
    public final class Lookup implements AutoCloseable {
        /** Answers to older requests than these are too stale to use. */
        private static final int REMEMBERED_REQUESTS = 4;

        private final String ownAddress;
        private final Subnet subnet;
        private final int port;
        private final String deviceId;
        private final String app;
        private final String version;
        private final DatagramSocket socket;
        private final Future<DatagramSocket> bound;
        /** The requests sent, newest last; touched on the socket's event loop only, as is {@link #heard}. */
        private final Map<UUID, DiscoveryMessage.Request> asked = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, DiscoveryMessage.Request> eldest) {
                return size() > REMEMBERED_REQUESTS;
            }
        };
        private Heard heard = new Heard();

        private Lookup(String ownAddress, Subnet subnet, int port, String deviceId, String app, String version) {
            this.ownAddress = ownAddress;
            this.subnet = subnet;
            this.port = port;
            this.deviceId = deviceId;
            this.app = app;
            this.version = version;
            this.socket = vertx.createDatagramSocket(new DatagramSocketOptions().setBroadcast(true));
            socket.handler(this::onDatagram);
            this.bound = socket.listen(0, ownAddress);
        }

        /**
         * Broadcasts one request and completes after {@code window} with the valid offers heard since the previous
         * round ended, least loaded first (most free slots, then fewest active uploads), equally loaded ones in random order.
         */
        public Future<List<PeerOffer>> round(Duration window) {
            DiscoveryMessage.Request request = new DiscoveryMessage.Request(UUID.randomUUID(), deviceId, app, version);
            Promise<List<PeerOffer>> offers = Promise.promise();
            bound.compose(socket -> {
                        asked.put(request.requestId(), request);
                        return socket.send(Buffer.buffer(DiscoveryMessage.encode(request)), port, broadcastAddressOf(subnet));
                    })
                    .onSuccess(sent -> vertx.setTimer(Math.max(1, window.toMillis()), t -> {
                        List<PeerOffer> collected = heard.offers();
                        heard = new Heard();
                        offers.tryComplete(collected);
                    }))
                    .onFailure(e -> offers.tryFail(new IllegalStateException(
                            "the discovery request could not be sent: " + e.getMessage(), e)));
            return offers.future();
        }

        @Override
        public void close() {
            socket.close();
        }

        private void onDatagram(DatagramPacket packet) {
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
            DiscoveryMessage.Request request = asked.get(answer.requestId());
            Optional<String> rejection = request == null ? Optional.of("unsolicited")
                    : DiscoveryRules.rejectAnswer(request, deviceId, subnet, sender, answer);
            if (rejection.isEmpty()) {
                rejection = heard.add(sender, answer.offer());
            }
            rejection.ifPresent(metrics::dropped);
        }
    }

    /** The offers heard in one round, one per source. */
    private static final class Heard {
        private final List<PeerOffer> offers = new ArrayList<>();
        private final Set<String> sources = new HashSet<>();

        /** Keeps the offer, or says why not. */
        Optional<String> add(String source, PeerOffer offer) {
            if (!sources.add(source)) {
                return Optional.of("repeated");
            }
            if (offers.size() >= MAX_OFFERS) {
                return Optional.of("too-many");
            }
            offers.add(offer);
            return Optional.empty();
        }

        /** Least loaded first, equally loaded in random order: requesters that all took the first died in a herd. */
        List<PeerOffer> offers() {
            List<PeerOffer> shuffled = new ArrayList<>(offers);
            Collections.shuffle(shuffled);
            return shuffled.stream()
                    .sorted(Comparator.comparingInt(PeerOffer::freeSlots).reversed()
                            .thenComparingInt(PeerOffer::activeUploads))
                    .toList();
        }
    }
}
