package io.peerlift.device.domain;

import io.peerlift.device.domain.DiscoveryMessage.RejectedDatagramException;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Subnet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Answers "who has app X version V" for one device. It listens on {@code 0.0.0.0:port} with SO_REUSEADDR, as every
 * device of a host does, so each receives every broadcast; it answers only requests from its own subnet (on
 * loopback all fleet subnets share 127.255.255.255) and only for apps it holds and serves, by unicast to the sender.
 */
public final class DiscoveryResponder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DiscoveryResponder.class);

    private final String deviceId;
    private final Subnet subnet;
    private final BiFunction<String, String, Optional<PeerOffer>> offers;
    private final DeviceMetrics metrics;
    private final DatagramSocket socket;

    private DiscoveryResponder(String deviceId, Subnet subnet, BiFunction<String, String, Optional<PeerOffer>> offers,
                               DeviceMetrics metrics, DatagramSocket socket) {
        this.deviceId = deviceId;
        this.subnet = subnet;
        this.offers = offers;
        this.metrics = metrics;
        this.socket = socket;
    }

    /**
     * Binds and starts answering.
     *
     * @param offers the offer for (app, version), empty when this device does not serve it
     */
    public static DiscoveryResponder listen(Vertx vertx, int port, String deviceId, Subnet subnet,
                                            BiFunction<String, String, Optional<PeerOffer>> offers,
                                            DeviceMetrics metrics) throws Exception {
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReuseAddress(true));
        DiscoveryResponder responder = new DiscoveryResponder(deviceId, subnet, offers, metrics, socket);
        socket.handler(responder::onDatagram);
        socket.listen(port, "0.0.0.0").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return responder;
    }

    public int port() {
        return socket.localAddress().port();
    }

    private void onDatagram(DatagramPacket packet) {
        DiscoveryMessage message;
        try {
            message = DiscoveryMessage.decode(packet.data().getBytes());
        } catch (RejectedDatagramException e) {
            metrics.dropped(e.reason());
            return;
        }
        if (!(message instanceof DiscoveryMessage.Request request) || deviceId.equals(request.deviceId())) {
            return;
        }
        if (!fromOwnSubnet(packet.sender().host())) {
            metrics.ignoredForeignSubnet();
            return;
        }
        offers.apply(request.app(), request.version()).ifPresent(offer -> {
            Buffer answer = Buffer.buffer(DiscoveryMessage.encode(new DiscoveryMessage.Answer(request.requestId(), offer)));
            socket.send(answer, packet.sender().port(), packet.sender().host())
                    .onFailure(e -> LOG.debugf("answer to %s failed: %s", packet.sender(), e.getMessage()));
        });
    }

    private boolean fromOwnSubnet(String host) {
        try {
            return subnet.contains(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Future<Void> closed = socket.close();
        try {
            closed.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("closing the discovery socket of %s: %s", deviceId, e.getMessage());
        }
    }
}
