package io.peerlift.device.peer;

import io.peerlift.device.download.Source;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.Sha256;
import io.peerlift.localstack.FleetCa;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The HTTPS peer update server (OS 12.9, port 22337) and the downloads that verify it, over real sockets: the
 * fleet's certificate for the peer's address is accepted, another CA's or another address's is refused before a
 * request is sent, a device without credentials serves HTTP only, and both servers share one device's slots.
 */
class HttpsPeerServerTest {

    private static final String PEER = "127.0.0.1";
    private static final String APP = "base-system";
    private static final String VERSION = "12.7.4";

    @TempDir
    static Path dir;
    private static ServedPackage pkg;
    private static Path fleetCaFile;
    private static FleetCa.Issued peerCertificate;
    private static FleetCa.Issued otherAddressCertificate;
    private static FleetCa.Issued foreignCertificate;
    private static FleetCa fleet;

    private final Vertx vertx = Vertx.vertx();
    private final List<Long> uploads = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestsServed = new AtomicInteger();
    private PeerServers servers;

    @BeforeAll
    static void credentials() throws IOException {
        fleet = FleetCa.create("Peerlift test fleet CA");
        fleetCaFile = fleet.writeCertificate(dir.resolve("fleet-ca.pem"));
        peerCertificate = fleet.issue("peer", List.of(PEER), dir.resolve("peer"));
        otherAddressCertificate = fleet.issue("elsewhere", List.of("127.0.0.2"), dir.resolve("elsewhere"));
        foreignCertificate = FleetCa.create("Someone else's CA").issue("impostor", List.of(PEER), dir.resolve("impostor"));
        byte[] bytes = new byte[3 * AppManifest.DEFAULT_CHUNK_SIZE + 77];
        new Random(7).nextBytes(bytes);
        Path file = Files.write(dir.resolve("package.bin"), bytes);
        try (InputStream in = Files.newInputStream(file)) {
            AppManifest manifest = AppManifest.compute(APP, VERSION, AppManifest.DEFAULT_CHUNK_SIZE, in);
            pkg = new ServedPackage(manifest, manifest.canonicalBytes(), file, null);
        }
    }

    @AfterEach
    void tearDown() {
        if (servers != null) {
            servers.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private ServedDevice device(int slots, long rate) {
        return new ServedDevice("peer", PEER, slots, 4, rate, (app, version) -> {
            requestsServed.incrementAndGet();
            return app.equals(APP) && version.equals(VERSION) ? Optional.of(pkg) : Optional.empty();
        }, (to, served, bytes) -> uploads.add(bytes));
    }

    private PeerServers servers(FleetCa.Issued credentials) {
        servers = new PeerServers(vertx, Duration.ofSeconds(5), false, credentials == null ? PeerTls.none()
                : PeerTls.from(credentials.certFile(), credentials.keyFile(), null));
        return servers;
    }

    private PayloadClient fleetClient() {
        return new PayloadClient(vertx, Duration.ofSeconds(5), PeerTls.from(null, null, fleetCaFile));
    }

    private static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static Source source(String scheme, int port) {
        return new Source(DownloadSource.PEER, "peer", scheme + "://" + PEER + ":" + port + PeerServers.PATH_PREFIX);
    }

    /** A sink keeping every byte, as a download's piece collector would. */
    private static final class Collected implements PayloadClient.Sink {
        final Buffer bytes = Buffer.buffer();

        @Override
        public boolean accept(Buffer more) {
            bytes.appendBuffer(more);
            return true;
        }

        @Override
        public Future<Boolean> finish() {
            return Future.succeededFuture(true);
        }
    }

    private PayloadClient.Result download(PayloadClient client, Source source, Collected into) throws Exception {
        long size = pkg.manifest().size();
        return result(client.range(source, source.payloadUrl(APP, VERSION), "downloader", 0, size - 1, size, Duration.ZERO, into,
                () -> false));
    }

    @Test
    void aDownloaderFetchesManifestAndPayloadOverHttpsFromAPeerWithTheFleetsCertificate() throws Exception {
        ServedDevice device = device(1, 0);
        int https = result(servers(peerCertificate).serveHttps(device, 0)).port();
        PayloadClient client = fleetClient();
        Source source = source("https", https);

        assertThat(source.fleetVerified()).isTrue();
        Buffer manifest = result(client.get(source, source.manifestUrl(APP, VERSION), "downloader"));
        assertThat(manifest.getBytes()).isEqualTo(pkg.manifestBytes());
        Collected payload = new Collected();
        assertThat(download(client, source, payload)).isEqualTo(PayloadClient.Result.COMPLETE);
        assertThat(Sha256.hex(payload.bytes.getBytes())).isEqualTo(pkg.manifest().sha256());
        await().until(() -> uploads.contains(pkg.manifest().size()));
    }

    @Test
    void httpAndHttpsShareTheDevicesSlotsAndRangeHandling() throws Exception {
        // 1 slot at 2 MiB/s: the HTTPS upload of 3 MiB holds the slot for over a second.
        ServedDevice device = device(1, 2 << 20);
        PeerServers both = servers(peerCertificate);
        int http = result(both.serve(device, 0)).port();
        int https = result(both.serveHttps(device, 0)).port();
        assertThat(https).isNotEqualTo(http);
        PayloadClient client = fleetClient();

        Collected secure = new Collected();
        Future<PayloadClient.Result> holding = client.range(source("https", https),
                source("https", https).payloadUrl(APP, VERSION), "first", 0, pkg.manifest().size() - 1,
                pkg.manifest().size(), Duration.ZERO, secure, () -> false);
        await().until(() -> device.activeUploads() == 1);
        Collected plain = new Collected();
        assertThat(download(client, source("http", http), plain)).as("the one slot is taken over HTTPS")
                .isEqualTo(PayloadClient.Result.BUSY);
        assertThat(result(holding)).isEqualTo(PayloadClient.Result.COMPLETE);
        assertThat(Sha256.hex(secure.bytes.getBytes())).isEqualTo(pkg.manifest().sha256());

        Collected tail = new Collected();
        long size = pkg.manifest().size();
        assertThat(result(client.range(source("https", https), source("https", https).payloadUrl(APP, VERSION), "d",
                size - 100, size - 1, size, Duration.ZERO, tail, () -> false))).isEqualTo(PayloadClient.Result.COMPLETE);
        assertThat(tail.bytes.getBytes()).as("one Range parser for both").isEqualTo(
                java.util.Arrays.copyOfRange(Files.readAllBytes(pkg.payload()), (int) size - 100, (int) size));
    }

    /** Signed by another CA, or by the fleet's for another address: a host posing as the peer. */
    @ParameterizedTest
    @ValueSource(strings = {"another CA", "another address"})
    void aPeerWithoutTheFleetsCertificateForItsAddressIsRefusedBeforeAnyRequest(String wrong) throws Exception {
        FleetCa.Issued certificate = wrong.equals("another CA") ? foreignCertificate : otherAddressCertificate;
        int https = result(servers(certificate).serveHttps(device(1, 0), 0)).port();
        PayloadClient client = fleetClient();
        Source source = source("https", https);

        assertThatThrownBy(() -> result(client.get(source, source.manifestUrl(APP, VERSION), "downloader")))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(PayloadClient.UntrustedPeerException.class);
        assertThat(download(client, source, new Collected())).isEqualTo(PayloadClient.Result.UNTRUSTED);
        assertThat(requestsServed).as("no request got past the handshake").hasValue(0);
    }

    @Test
    void withoutCredentialsNoHttpsServerStartsAndSaysWhyWhileHttpServes() throws Exception {
        ServedDevice device = device(1, 0);
        PeerServers plainOnly = servers(null);

        assertThatThrownBy(() -> result(plainOnly.serveHttps(device, 0))).cause()
                .hasMessageContaining("the device has no certificate")
                .hasMessageContaining("peerlift.device.tls.cert-file");
        int http = result(plainOnly.serve(device, 0)).port();
        Collected payload = new Collected();
        assertThat(download(fleetClient(), source("http", http), payload)).isEqualTo(PayloadClient.Result.COMPLETE);
        assertThat(Sha256.hex(payload.bytes.getBytes())).isEqualTo(pkg.manifest().sha256());
        assertThat(PeerTls.from(dir.resolve("missing.crt"), peerCertificate.keyFile(), null).serverUnavailable())
                .hasValueSatisfying(why -> assertThat(why).contains("missing.crt cannot be read"));
    }

    /** Files that are not what their keys say are named at start, not found out at every listen or handshake. */
    @Test
    void credentialFilesThatAreNotPemAreNamedAtStart() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");

        assertThat(PeerTls.from(garbage, peerCertificate.keyFile(), null).serverUnavailable())
                .hasValueSatisfying(why -> assertThat(why).contains("cert-file").contains("is not a PEM certificate"));
        assertThat(PeerTls.from(peerCertificate.certFile(), peerCertificate.certFile(), null).serverUnavailable())
                .hasValueSatisfying(why -> assertThat(why).contains("key-file").contains("is not a PEM private key"));
        assertThat(PeerTls.from(null, null, garbage).fleetCa()).as("a fleet CA that is no certificate").isEmpty();
        assertThat(PeerTls.from(peerCertificate.certFile(), peerCertificate.keyFile(), fleetCaFile))
                .satisfies(tls -> assertThat(tls.serverUnavailable()).isEmpty())
                .satisfies(tls -> assertThat(tls.fleetCa()).isPresent());
    }

    /**
     * A lab certificate naming every address of a large fleet outgrows the handshake message a JDK peer accepts
     * (about 6 bytes an address against 32 KiB): it is refused at start with the reason, not at every handshake.
     */
    @Test
    void aCertificateTooLargeForOneHandshakeMessageIsRefusedAtStartAndSaysWhy() throws Exception {
        FleetCa lab = FleetCa.create("Peerlift lab CA");
        FleetCa.Issued fits = lab.issue("subnet", addresses(1_000), dir.resolve("fits"));
        FleetCa.Issued tooLarge = lab.issue("fleet", addresses(6_000), dir.resolve("too-large"));

        assertThat(PeerTls.from(fits.certFile(), fits.keyFile(), null).serverUnavailable()).isEmpty();
        assertThat(PeerTls.from(tooLarge.certFile(), tooLarge.keyFile(), null).serverUnavailable())
                .hasValueSatisfying(why -> assertThat(why).contains("cert-file", "too-large")
                        .contains("over the " + PeerTls.MAX_HANDSHAKE_MESSAGE + " a peer accepts"));
    }

    /** The key of another certificate is refused at start as at a reload: it would fail every handshake. */
    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() {
        assertThat(PeerTls.from(peerCertificate.certFile(), otherAddressCertificate.keyFile(), null).serverUnavailable())
                .hasValueSatisfying(why -> assertThat(why).contains("key-file").contains("is not the private key of"));
    }

    /**
     * A renewed certificate written over the files is presented to the next TLS connection, on the same socket; a
     * certificate whose key is not in the key file is refused, counted, and the pair served so far stays.
     */
    @Test
    void aRenewedCertificateIsPresentedToNewConnectionsAndAMismatchedPairIsRefused() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        FleetCa.Issued first = fleet.issue("first", List.of(PEER), dir.resolve("first"));
        Path certFile = Files.copy(first.certFile(), live.resolve("peer.crt"), StandardCopyOption.REPLACE_EXISTING);
        Path keyFile = Files.copy(first.keyFile(), live.resolve("peer.key"), StandardCopyOption.REPLACE_EXISTING);
        servers = new PeerServers(vertx, Duration.ofSeconds(5), false, PeerTls.from(certFile, keyFile, null));
        List<PeerTls.Reload> reloads = new CopyOnWriteArrayList<>();
        servers.reloadCertificateEvery(Duration.ofMillis(100), reloads::add);
        int port = result(servers.serveHttps(device(1, 0), 0)).port();
        assertThat(presented(port)).isEqualTo(certificate(first.certFile()));

        FleetCa.Issued renewed = fleet.issue("renewed", List.of(PEER), dir.resolve("renewed"));
        Files.copy(renewed.keyFile(), keyFile, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.certFile(), certFile, StandardCopyOption.REPLACE_EXISTING);
        // A handshake in the moment the new TLS context is built is dropped (Vert.x 4.5); the next one gets it.
        await().ignoreExceptionsInstanceOf(SSLHandshakeException.class)
                .until(() -> presented(port).equals(certificate(renewed.certFile())));
        assertThat(reloads).contains(PeerTls.Reload.ROTATED);
        Collected body = new Collected();
        assertThat(download(fleetClient(), source("https", port), body)).isEqualTo(PayloadClient.Result.COMPLETE);

        FleetCa.Issued keyElsewhere = fleet.issue("mismatched", List.of(PEER), dir.resolve("mismatched"));
        int refusedBefore = java.util.Collections.frequency(reloads, PeerTls.Reload.REFUSED);
        Files.copy(keyElsewhere.certFile(), certFile, StandardCopyOption.REPLACE_EXISTING); // the key file stays
        await().until(() -> java.util.Collections.frequency(reloads, PeerTls.Reload.REFUSED) > refusedBefore);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> presented(port).equals(certificate(renewed.certFile())));
    }

    /** The certificate a new TLS connection to the peer is presented, trusting only the fleet CA. */
    private static X509Certificate presented(int port) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("fleet", certificate(fleetCaFile));
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(PEER, port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static List<String> addresses(int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> "127.10." + (i / 250 + 1) + "." + (i % 250 + 2)).toList();
    }
}
