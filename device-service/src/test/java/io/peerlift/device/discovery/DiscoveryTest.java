package io.peerlift.device.discovery;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Sha256;
import io.peerlift.events.Subnet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real UDP datagrams on loopback between devices of simulated subnets, through one hub socket per port. */
class DiscoveryTest {

    private static final String HASH = Sha256.hex("package".getBytes(StandardCharsets.UTF_8));

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DeviceMetrics metrics = new DeviceMetrics(meters);
    private final DiscoveryHub hub = new DiscoveryHub(vertx, metrics);
    private final DiscoveryClient client = new DiscoveryClient(vertx, metrics);
    private final int port = freeUdpPort();
    private final Subnet own = Subnet.parse("127.10." + (100 + new Random().nextInt(150)) + ".0/24");
    private final List<DiscoveryHub.Registration> registrations = new ArrayList<>();

    @AfterEach
    void tearDown() {
        registrations.forEach(DiscoveryHub.Registration::close);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private AtomicInteger respond(String deviceId, Subnet subnet, int host, int activeUploads, int capacity) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        PeerOffer offer = new PeerOffer(deviceId, subnet.host(host), 22335, "base-system", "12.7.4", HASH, activeUploads,
                capacity, 0);
        registrations.add(completed(hub.answer(port, deviceId, subnet, subnet.host(host), (app, version) -> {
            asked.incrementAndGet();
            return app.equals(offer.app()) && version.equals(offer.version()) ? Optional.of(offer) : Optional.empty();
        })));
        return asked;
    }

    private List<PeerOffer> discover(String version) throws Exception {
        return completed(once(own.host(10), own, "requester", version, Duration.ofMillis(700)));
    }

    /** A lookup of one round. */
    private Future<List<PeerOffer>> once(String address, Subnet subnet, String deviceId, String version, Duration window) {
        DiscoveryClient.Lookup lookup = client.lookup(address, subnet, port, deviceId, "base-system", version);
        return lookup.round(window).eventually(() -> {
            lookup.close();
            return Future.succeededFuture();
        });
    }

    @Test
    void peersOfTheOwnSubnetAnswerLeastLoadedFirstAndOtherSubnetsAreNeverAsked() throws Exception {
        Subnet other = Subnet.parse("127.11." + own.networkAddress().split("\\.")[2] + ".0/24");
        respond("busy-peer", own, 2, 1, 2);
        respond("idle-peer", own, 3, 0, 2);
        AtomicInteger foreignAsked = respond("foreign-peer", other, 2, 0, 5);

        assertThat(discover("12.7.4")).extracting(PeerOffer::peerId).containsExactly("idle-peer", "busy-peer");
        assertThat(foreignAsked).as("the hub hands a request to the sender's subnet only").hasValue(0);
        assertThat(discover("12.8.0")).as("nobody holds 12.8.0").isEmpty();
    }

    @Test
    void aSubnetOfManyHoldersSendsEachRequestOnlyTheAnswersItKeepsFreeHoldersFirstInRandomOrder() throws Exception {
        int free = DiscoveryClient.MAX_OFFERS + 4;
        for (int i = 0; i < free; i++) {
            respond("free-" + i, own, 20 + i, 0, 1);
        }
        for (int i = 0; i < 8; i++) {
            respond("busy-" + i, own, 60 + i, 1, 1);
        }

        List<PeerOffer> first = discover("12.7.4");
        assertThat(first).hasSize(DiscoveryClient.MAX_OFFERS).allMatch(offer -> offer.freeSlots() > 0);
        assertThat(meters.find("peerlift.discovery.datagrams.dropped").tag("reason", "too-many").counter())
                .as("the hub sent no answer the requester drops").isNull();
        // Requesters that all took the same first holder made a herd: over a few rounds the first offer varies.
        Set<String> firstChoices = new HashSet<>();
        for (int round = 0; round < 6; round++) {
            firstChoices.add(discover("12.7.4").get(0).peerId());
        }
        assertThat(firstChoices).hasSizeGreaterThan(1);
    }

    @Test
    void aRequestFromASubnetNobodyAnswersForIsCountedAsForeign() throws Exception {
        respond("peer", own, 2, 0, 1);
        Subnet elsewhere = Subnet.parse("127.12." + own.networkAddress().split("\\.")[2] + ".0/24");
        completed(once(elsewhere.host(10), elsewhere, "stranger", "12.7.4", Duration.ofMillis(300)));
        await().untilAsserted(() -> assertThat(meters.find("peerlift.discovery.requests.foreign.subnet")
                .counter().count()).isEqualTo(1.0));
    }

    @Test
    void malformedAndOversizedDatagramsAreDroppedAndCounted() throws Exception {
        respond("peer", own, 2, 0, 1);
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getByName(own.host(20)))) {
            InetAddress target = InetAddress.getByName(own.host(2));
            send(sender, target, port, "hello".getBytes(StandardCharsets.UTF_8));
            byte[] badJson = DiscoveryMessage.encode(new DiscoveryMessage.Request(UUID.randomUUID(), "x", "a", "1.0"));
            badJson[badJson.length - 1] = '[';
            send(sender, target, port, badJson);
            send(sender, target, port, new byte[DiscoveryMessage.MAX_DATAGRAM_BYTES + 200]);
            send(sender, target, port, DiscoveryMessage.encode(
                    new DiscoveryMessage.Request(UUID.randomUUID(), "x", "../etc", "12.7.4")));
        }
        await().untilAsserted(() -> {
            assertThat(metrics.droppedCount("bad-magic")).isEqualTo(1.0);
            assertThat(metrics.droppedCount("malformed")).isEqualTo(1.0);
            assertThat(metrics.droppedCount("oversized")).isEqualTo(1.0);
            assertThat(metrics.droppedCount("bad-package")).isEqualTo(1.0);
        });
        assertThat(discover("12.7.4")).as("the responder still answers").hasSize(1);
    }

    /**
     * A hostile host in the subnet hears the request (it shares the port, as any process may) and answers it with
     * everything a liar can say, from its own address and in a burst. Only the honest peer's offer is used.
     */
    @Test
    void hostileAnswersAreDroppedAndCountedAndTheHonestOfferStillArrives() throws Exception {
        respond("honest", own, 2, 0, 1);
        String rogueAddress = own.host(66);
        try (DatagramSocket listener = new DatagramSocket(null);
             DatagramSocket rogue = new DatagramSocket(0, InetAddress.getByName(rogueAddress))) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(port));
            Thread liar = new Thread(() -> lie(listener, rogue, rogueAddress), "rogue");
            liar.setDaemon(true);
            liar.start();

            List<PeerOffer> offers = discover("12.7.4");

            // A well-formed lie passes discovery, once: the download finds it out at its first chunk and bans it.
            assertThat(offers).extracting(PeerOffer::peerId).containsExactlyInAnyOrder("honest", "rogue");
        }
        await().untilAsserted(() -> {
            for (String reason : List.of("unsolicited", "foreign-address", "sender-mismatch", "bad-port", "wrong-package",
                    "bad-load", "bad-peer-id", "bad-have", "malformed", "not-an-answer")) {
                assertThat(metrics.droppedCount(reason)).as(reason).isEqualTo(1.0);
            }
            // UDP may lose some of a burst, or deliver them after the window: whatever came was dropped.
            assertThat(metrics.droppedCount("repeated") + metrics.droppedCount("rate-limited")).as("the burst")
                    .isBetween(1.0, 199.0);
        });
    }

    private void lie(DatagramSocket listener, DatagramSocket rogue, String rogueAddress) {
        try {
            listener.setSoTimeout(5000);
            DatagramPacket heard = new DatagramPacket(new byte[2048], 2048);
            DiscoveryMessage.Request request;
            do {
                listener.receive(heard);
                DiscoveryMessage message = DiscoveryMessage.decode(java.util.Arrays.copyOf(heard.getData(), heard.getLength()));
                request = message instanceof DiscoveryMessage.Request r ? r : null;
            } while (request == null);
            InetAddress requester = heard.getAddress();
            int requesterPort = heard.getPort();
            UUID id = request.requestId();
            PeerOffer fine = new PeerOffer("rogue", rogueAddress, 22335, "base-system", "12.7.4", HASH, 0, 1, 0);
            List<Object> lies = List.of(
                    new DiscoveryMessage.Answer(UUID.randomUUID(), fine),
                    new DiscoveryMessage.Answer(id, new PeerOffer("rogue", "8.8.8.8", 80, "base-system", "12.7.4", HASH, 0, 1, 0)),
                    new DiscoveryMessage.Answer(id, new PeerOffer("rogue", own.host(2), 22335, "base-system", "12.7.4", HASH, 0, 1, 0)),
                    new DiscoveryMessage.Answer(id, new PeerOffer("rogue", rogueAddress, 0, "base-system", "12.7.4", HASH, 0, 1, 0)),
                    new DiscoveryMessage.Answer(id, new PeerOffer("rogue", rogueAddress, 22335, "base-system", "13.0.0", HASH, 0, 1, 0)),
                    new DiscoveryMessage.Answer(id, new PeerOffer("rogue", rogueAddress, 22335, "base-system", "12.7.4", HASH, 0, 1_000_000, 0)),
                    new DiscoveryMessage.Answer(id, new PeerOffer("rogue\n<script>", rogueAddress, 22335, "base-system", "12.7.4", HASH, 0, 1, 0)),
                    // A have-list of one Base64 character: no bitmap, so no offer (it must never fail a swarm).
                    new DiscoveryMessage.Answer(id, new PeerOffer("rogue", rogueAddress, 22335, "base-system", "12.7.4", HASH, 0, 1, 0, "A")),
                    new DiscoveryMessage.Request(id, "rogue", "base-system", "12.7.4"));
            for (Object lie : lies) {
                byte[] bytes = DiscoveryMessage.encode((DiscoveryMessage) lie);
                rogue.send(new DatagramPacket(bytes, bytes.length, requester, requesterPort));
            }
            byte[] noOffer = ("PLDP\u0001" + EventCodec.encode(new DiscoveryMessage.Answer(id, null))).getBytes(StandardCharsets.UTF_8);
            rogue.send(new DatagramPacket(noOffer, noOffer.length, requester, requesterPort));
            // One valid answer, then 199 more of it: the first counts, the rest are repeats or over the rate.
            byte[] valid = DiscoveryMessage.encode(new DiscoveryMessage.Answer(id, fine));
            // Paced, so that the burst cannot overflow the requester's receive buffer on a loaded machine and
            // drown the honest answer with it: what is tested is the requester's filter, not the kernel's queue.
            for (int i = 0; i < 200; i++) {
                rogue.send(new DatagramPacket(valid, valid.length, requester, requesterPort));
                if (i % 20 == 19) {
                    Thread.sleep(5);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A holder too loaded to answer within the window: its answer to the first round comes after it and is heard in
     * the second round of the same download, instead of arriving at a closed port.
     */
    @Test
    void aLateAnswerToAnEarlierRoundOfTheDownloadIsHeardInItsNextRound() throws Exception {
        String slowAddress = own.host(77);
        try (DatagramSocket listener = new DatagramSocket(null);
             DatagramSocket slow = new DatagramSocket(0, InetAddress.getByName(slowAddress))) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(port));
            listener.setSoTimeout(5000);
            DiscoveryClient.Lookup lookup = client.lookup(own.host(10), own, port, "requester", "base-system", "12.7.4");
            try {
                Future<List<PeerOffer>> first = lookup.round(Duration.ofMillis(300));
                DatagramPacket heard = new DatagramPacket(new byte[2048], 2048);
                listener.receive(heard);
                DiscoveryMessage.Request request = (DiscoveryMessage.Request) DiscoveryMessage.decode(
                        java.util.Arrays.copyOf(heard.getData(), heard.getLength()));
                assertThat(completed(first)).as("the slow holder has not answered yet").isEmpty();

                byte[] late = DiscoveryMessage.encode(new DiscoveryMessage.Answer(request.requestId(),
                        new PeerOffer("slow", slowAddress, 22335, "base-system", "12.7.4", HASH, 0, 1, 0)));
                slow.send(new DatagramPacket(late, late.length, heard.getAddress(), heard.getPort()));
                assertThat(completed(lookup.round(Duration.ofMillis(300)))).extracting(PeerOffer::peerId)
                        .containsExactly("slow");
            } finally {
                lookup.close();
            }
        }
        assertThat(metrics.droppedCount("unsolicited")).isZero();
    }

    @Test
    void aSourceThatFloodsRequestsIsAnsweredOnlyUpToItsRate() throws Exception {
        AtomicInteger asked = respond("peer", own, 2, 0, 1);
        byte[] request = DiscoveryMessage.encode(new DiscoveryMessage.Request(UUID.randomUUID(), "flooder", "base-system",
                "12.7.4"));
        try (DatagramSocket flooder = new DatagramSocket(0, InetAddress.getByName(own.host(30)))) {
            for (int i = 0; i < 100; i++) {
                send(flooder, InetAddress.getByName(own.host(2)), port, request);
            }
        }
        await().untilAsserted(() -> assertThat(asked.get() + metrics.droppedCount("rate-limited")).isEqualTo(100.0));
        assertThat(asked.get()).isLessThanOrEqualTo((int) DiscoveryHub.REQUESTS_PER_SECOND + 2);
        assertThat(discover("12.7.4")).as("another source is still answered").hasSize(1);
    }

    /**
     * A simulated fleet's requesters share one process: a holder answering each of them once is over no one's
     * rate. (Counted over the process, a holder's answers to a busy subnet were dropped past 50 a second, the
     * rounds looked empty and PEER_THEN_WAN sent most of a 50-device subnet to the WAN.)
     */
    @Test
    void everyRequesterOfAProcessHearsTheHolderThoughTogetherTheyHearItOverOneSourcesRate() throws Exception {
        respond("holder", own, 2, 0, 1);
        int requesters = (int) DiscoveryClient.ANSWERS_PER_SECOND + 30;
        List<Future<List<PeerOffer>>> rounds = new ArrayList<>();
        for (int i = 0; i < requesters; i++) {
            rounds.add(once(own.host(100 + i), own, "requester-" + i, "12.7.4", Duration.ofMillis(1500)));
        }
        for (Future<List<PeerOffer>> round : rounds) {
            assertThat(completed(round)).extracting(PeerOffer::peerId).containsExactly("holder");
        }
        assertThat(metrics.droppedCount("rate-limited")).isZero();
    }

    @Test
    void theRulesNameWhatIsWrongWithARequest() {
        assertThat(DiscoveryRules.rejectRequest(new DiscoveryMessage.Request(UUID.randomUUID(), "s1-d01", "base-system",
                "12.7.4"))).isEmpty();
        assertThat(DiscoveryRules.rejectRequest(new DiscoveryMessage.Request(UUID.randomUUID(), "s1 d01", "base-system",
                "12.7.4"))).contains("bad-device-id");
        assertThat(DiscoveryRules.rejectRequest(new DiscoveryMessage.Request(UUID.randomUUID(), "s1-d01", "base-system",
                "twelve"))).contains("bad-package");
    }

    @Test
    void theCodecRefusesWhatItCannotTrust() {
        byte[] valid = DiscoveryMessage.encode(new DiscoveryMessage.Request(UUID.randomUUID(), "d", "base-system", "12.7.4"));
        byte[] wrongVersion = valid.clone();
        wrongVersion[DiscoveryMessage.MAGIC.length] = 9;
        assertThat(DiscoveryMessage.decode(valid)).isInstanceOf(DiscoveryMessage.Request.class);
        assertThatThrownBy(() -> DiscoveryMessage.decode(wrongVersion)).hasMessage("unsupported-version");
        byte[] noFields = ("PLDP\u0001{\"type\":\"Request\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DiscoveryMessage.decode(noFields)).hasMessage("malformed");
    }

    private static void send(DatagramSocket sender, InetAddress target, int port, byte[] data) throws Exception {
        sender.send(new DatagramPacket(data, data.length, target, port));
    }

    private static <T> T completed(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static {
        Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
    }
}
