package io.peerlift.device.domain;

import io.peerlift.events.PeerOffer;
import io.peerlift.events.Sha256;
import io.peerlift.events.Subnet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real UDP datagrams on loopback between devices of simulated subnets. */
class DiscoveryTest {

    @TempDir
    Path dir;

    private TestRig rig;
    private final List<DiscoveryResponder> responders = new ArrayList<>();

    @BeforeEach
    void setUp() {
        rig = new TestRig(dir);
    }

    @AfterEach
    void tearDown() {
        responders.forEach(DiscoveryResponder::close);
        rig.close();
    }

    private void respond(String deviceId, Subnet subnet, int host, int activeUploads, int capacity) throws Exception {
        PeerOffer offer = new PeerOffer(deviceId, subnet.host(host), 22335, "base-system", "12.7.4",
                Sha256.hex(deviceId.getBytes(StandardCharsets.UTF_8)), activeUploads, capacity);
        responders.add(DiscoveryResponder.listen(rig.vertx, rig.discoveryPort, deviceId, subnet,
                (app, version) -> app.equals(offer.app()) && version.equals(offer.version()) ? Optional.of(offer)
                        : Optional.empty(), rig.metrics));
    }

    @Test
    void peersOfTheOwnSubnetAnswerLeastLoadedFirstAndOtherSubnetsStaySilent() throws Exception {
        Subnet own = TestRig.randomSubnet();
        Subnet other = Subnet.parse("127.11." + own.networkAddress().split("\\.")[2] + ".0/24");
        respond("busy-peer", own, 2, 1, 2);
        respond("idle-peer", own, 3, 0, 2);
        respond("foreign-peer", other, 2, 0, 5);

        List<PeerOffer> offers = rig.context.discoveryClient().discover(own.host(10), own, rig.discoveryPort,
                "requester", "base-system", "12.7.4", Duration.ofSeconds(1));

        assertThat(offers).extracting(PeerOffer::peerId).containsExactly("idle-peer", "busy-peer");
        await().untilAsserted(() -> assertThat(rig.meters.find("peerlift.discovery.requests.foreign.subnet")
                .counter().count()).isEqualTo(1.0));
        assertThat(rig.context.discoveryClient().discover(own.host(10), own, rig.discoveryPort, "requester",
                "base-system", "12.8.0", Duration.ofSeconds(1))).as("nobody holds 12.8.0").isEmpty();
    }

    @Test
    void malformedAndOversizedDatagramsAreDroppedAndCounted() throws Exception {
        Subnet own = TestRig.randomSubnet();
        respond("peer", own, 2, 0, 1);
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getByName(own.host(20)))) {
            InetAddress target = InetAddress.getByName(own.host(2));
            send(sender, target, "hello".getBytes(StandardCharsets.UTF_8));
            byte[] badJson = DiscoveryMessage.encode(new DiscoveryMessage.Request(UUID.randomUUID(), "x", "a", "1.0"));
            badJson[badJson.length - 1] = '[';
            send(sender, target, badJson);
            send(sender, target, new byte[DiscoveryMessage.MAX_DATAGRAM_BYTES + 200]);
        }
        await().untilAsserted(() -> {
            assertThat(rig.metrics.droppedCount("bad-magic")).isEqualTo(1.0);
            assertThat(rig.metrics.droppedCount("malformed")).isEqualTo(1.0);
            assertThat(rig.metrics.droppedCount("oversized")).isEqualTo(1.0);
        });
        assertThat(rig.context.discoveryClient().discover(own.host(10), own, rig.discoveryPort, "requester",
                "base-system", "12.7.4", Duration.ofSeconds(1))).as("the responder still answers").hasSize(1);
    }

    @Test
    void theCodecRefusesWhatItCannotTrust() {
        byte[] valid = DiscoveryMessage.encode(new DiscoveryMessage.Request(UUID.randomUUID(), "d", "base-system", "12.7.4"));
        byte[] wrongVersion = valid.clone();
        wrongVersion[DiscoveryMessage.MAGIC.length] = 9;
        assertThat(DiscoveryMessage.decode(valid)).isInstanceOf(DiscoveryMessage.Request.class);
        assertThatThrownBy(() -> DiscoveryMessage.decode(wrongVersion))
                .hasMessage("unsupported-version");
        byte[] noFields = concat(DiscoveryMessage.MAGIC, new byte[]{DiscoveryMessage.VERSION}, "{\"type\":\"Request\"}");
        assertThatThrownBy(() -> DiscoveryMessage.decode(noFields)).hasMessage("malformed");
    }

    private static byte[] concat(byte[] magic, byte[] version, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[magic.length + version.length + body.length];
        System.arraycopy(magic, 0, all, 0, magic.length);
        System.arraycopy(version, 0, all, magic.length, version.length);
        System.arraycopy(body, 0, all, magic.length + version.length, body.length);
        return all;
    }

    private void send(DatagramSocket sender, InetAddress target, byte[] data) throws Exception {
        sender.send(new DatagramPacket(data, data.length, target, rig.discoveryPort));
    }
}
