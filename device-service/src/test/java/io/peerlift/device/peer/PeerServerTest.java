package io.peerlift.device.peer;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.events.AppManifest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Vert.x peer update server over real sockets: ranges, slots, timeouts, floods and the upload rate. */
class PeerServerTest {

    private static final Duration IDLE = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    private static ServedPackage small;
    private static ServedPackage large;

    /** As device-service runs it (quarkus.vertx.prefer-native-transport): Netty's epoll transport, so uploads cork. */
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Long> uploads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private PeerServers servers;

    @BeforeAll
    static void packages() throws IOException {
        Awaitility.setDefaultTimeout(Duration.ofSeconds(60));
        small = pkg("small.bin", 1000);
        // Larger than the loopback socket buffers on both sides, so a reader that stops really stalls the writer.
        large = pkg("large.bin", 48 << 20);
    }

    @AfterAll
    static void resetAwaitility() {
        Awaitility.reset();
    }

    private static ServedPackage pkg(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path file = Files.write(dir.resolve(name), bytes);
        AppManifest manifest;
        try (InputStream in = Files.newInputStream(file)) {
            manifest = AppManifest.compute("base-system", "12.7.4", AppManifest.DEFAULT_CHUNK_SIZE, in);
        }
        return new ServedPackage(manifest, manifest.canonicalBytes(), file, TestReleaseKey.sign(manifest));
    }

    @AfterEach
    void tearDown() {
        sockets.forEach(PeerServerTest::closeQuietly);
        if (servers != null) {
            servers.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private ServedDevice device(String address, ServedPackage served, int slots, int beyond, long rate) {
        return new ServedDevice("peer-" + address, address, slots, beyond, rate,
                (app, version) -> app.equals("base-system") && version.equals("12.7.4") ? Optional.of(served) : Optional.empty(),
                (to, pkg, bytes) -> uploads.add(bytes));
    }

    private int serve(ServedDevice device, boolean wildcard) throws Exception {
        return serve(device, wildcard, IDLE);
    }

    private int serve(ServedDevice device, boolean wildcard, Duration idleTimeout) throws Exception {
        if (servers == null) {
            servers = new PeerServers(vertx, idleTimeout, wildcard, PeerTls.none());
        }
        return servers.serve(device, 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).port();
    }

    private static URI payload(String address, int port) {
        return URI.create("http://" + address + ":" + port + PeerServers.PATH_PREFIX + "/base-system/12.7.4/payload");
    }

    private HttpResponse<byte[]> get(URI uri, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (range != null) {
            request.header("Range", range);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', nullValues = "none", value = {
            "none; 200; 0; 999",
            "bytes=0-99; 206; 0; 99",
            "bytes=990-; 206; 990; 999",
            "bytes=-10; 206; 990; 999",
            "bytes=-5000; 206; 0; 999",
            "bytes=900-5000; 206; 900; 999",
            "items=0-5; 200; 0; 999",
            "bytes=1000-; 416; -1; -1",
            "bytes=-0; 416; -1; -1",
            "bytes=20-10; 416; -1; -1",
            "bytes=0-99999999999999999999; 416; -1; -1",
            "bytes=0-1,5-6; 416; -1; -1",
            "bytes=abc; 416; -1; -1",
    })
    void everyRangeEdgeCaseIsAnsweredAsTheSharedParserSays(String range, int status, int start, int end) throws Exception {
        int port = serve(device("127.0.0.1", small, 1, 8, 0), false);
        HttpResponse<byte[]> response = get(payload("127.0.0.1", port), range);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Accept-Ranges")).contains("bytes");
        byte[] all = Files.readAllBytes(small.payload());
        if (status == 416) {
            assertThat(response.headers().firstValue("Content-Range")).contains("bytes */1000");
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("\"status\":416")
                    .contains("selects no byte of the payload's 1000 bytes");
            return;
        }
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(all, start, end + 1));
        if (status == 206) {
            assertThat(response.headers().firstValue("Content-Range")).contains("bytes " + start + "-" + end + "/1000");
        }
        await().untilAsserted(() -> assertThat(uploads).contains((long) end - start + 1));
    }

    /** Chunks 0 and 2 of 4 verified: a package still being swarmed. */
    private static ServedPackage partial() throws IOException {
        ServedPackage whole = pkg("swarmed.bin", 3 * AppManifest.DEFAULT_CHUNK_SIZE + 500);
        java.util.BitSet verified = new java.util.BitSet();
        verified.set(0);
        verified.set(2);
        return new ServedPackage(whole.manifest(), whole.manifestBytes(), whole.manifestSha256(), whole.payload(),
                new VerifiedChunks() {
            @Override
            public boolean isComplete() {
                return false;
            }

            @Override
            public boolean has(int chunk) {
                return verified.get(chunk);
            }

            @Override
            public java.util.BitSet snapshot(int chunkCount) {
                return (java.util.BitSet) verified.clone();
            }
        }, whole.signature());
    }

    @Test
    void aPackageStillSwarmedIsServedOnlyInWholeVerifiedChunksAndTellsWhatItHas() throws Exception {
        ServedPackage swarmed = partial();
        int port = serve(device("127.0.0.1", swarmed, 2, 8, 0), false);
        URI payload = payload("127.0.0.1", port);
        int chunk = AppManifest.DEFAULT_CHUNK_SIZE;
        byte[] file = Files.readAllBytes(swarmed.payload());

        HttpResponse<byte[]> first = get(payload, "bytes=0-" + (chunk - 1));
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.body()).isEqualTo(java.util.Arrays.copyOfRange(file, 0, chunk));
        java.util.BitSet held = new java.util.BitSet();
        held.set(0);
        held.set(2);
        assertThat(first.headers().firstValue(PeerServers.HAVE_HEADER)).as("what it has, with the chunk")
                .hasValue(io.peerlift.events.PeerOffer.haveOf(held));
        assertThat(get(payload, "bytes=" + 2 * chunk + "-" + (3 * chunk - 1)).statusCode()).isEqualTo(206);

        assertThat(get(payload, "bytes=0-99").statusCode()).as("cuts a chunk").isEqualTo(416);
        assertThat(get(payload, "bytes=-500").statusCode()).as("the last chunk, not verified").isEqualTo(404);
        assertThat(get(payload, null).statusCode()).as("the whole payload reaches unverified chunks").isEqualTo(404);
        HttpResponse<byte[]> missing = get(payload, "bytes=" + chunk + "-" + (2 * chunk - 1));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(missing.headers().firstValue(PeerServers.HAVE_HEADER)).as("and with a refusal")
                .hasValue(io.peerlift.events.PeerOffer.haveOf(held));
        assertThat(new String(missing.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("chunk-not-verified").contains("chunk 1 is not verified here yet");

        URI have = URI.create(payload.toString().replace("/payload", "/have"));
        HttpResponse<byte[]> bitmap = get(have, null);
        assertThat(bitmap.statusCode()).isEqualTo(200);
        assertThat(java.util.BitSet.valueOf(bitmap.body()).stream().boxed().toList()).containsExactly(0, 2);
        assertThat(uploads).containsExactly((long) chunk, (long) chunk);
    }

    @Test
    void headAndManifestUseNoSlotAndUnknownResourcesAre404() throws Exception {
        int port = serve(device("127.0.0.1", small, 1, 8, 0), false);
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(payload("127.0.0.1", port))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Range", "bytes=10-19").build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(206);
        assertThat(head.headers().firstValue("Content-Length")).contains("10");
        HttpResponse<byte[]> manifest = get(URI.create("http://127.0.0.1:" + port + PeerServers.PATH_PREFIX
                + "/base-system/12.7.4/manifest"), null);
        assertThat(manifest.body()).isEqualTo(small.manifestBytes());
        // Each 404 is a problem, as every Peerlift error is: a package the device does not serve, or no resource.
        Map<String, String> notFound = Map.of(
                "/base-system/12.8.0/payload", "\"type\":\"urn:peerlift:problem:package-not-served\"",
                "/other-app/12.7.4/manifest", "\"type\":\"urn:peerlift:problem:package-not-served\"",
                "/base-system/12.7.4/other", "\"type\":\"about:blank\"",
                "/..%2F..%2Fetc/passwd/payload", "\"type\":\"urn:peerlift:problem:package-not-served\"",
                "/base-system/12.7.4/payload/extra", "\"type\":\"about:blank\"");
        for (Map.Entry<String, String> path : notFound.entrySet()) {
            HttpResponse<byte[]> response = get(URI.create("http://127.0.0.1:" + port + PeerServers.PATH_PREFIX
                    + path.getKey()), null);
            assertThat(response.statusCode()).as(path.getKey()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path.getKey())
                    .contains("application/problem+json");
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).as(path.getKey())
                    .contains(path.getValue()).contains("\"status\":404")
                    .contains("\"instance\":\"" + PeerServers.PATH_PREFIX + path.getKey() + "\"");
        }
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(payload("127.0.0.1", port))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(post.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(new String(post.body(), StandardCharsets.UTF_8)).contains("\"status\":405");
    }

    /** A path that is no URI (a raw request, as a hostile client sends it) still gets a problem, without instance. */
    @Test
    void aPathThatIsNoUriGetsAProblemWithoutInstance() throws Exception {
        int port = serve(device("127.0.0.1", small, 1, 8, 0), false);
        Socket socket = rawRequest("127.0.0.1", port, "GET " + PeerServers.PATH_PREFIX
                + "/base|system/12.7.4/payload HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 404").contains("application/problem+json")
                .contains("package-not-served").doesNotContain("\"instance\"");
    }

    @Test
    void eachUploadOnAKeptAliveConnectionArrivesWholeAtOnceTheCorkPulledAtItsEnd() throws Exception {
        assertThat(vertx.isNativeTransportEnabled()).as("the epoll transport, which can cork").isTrue();
        int port = serve(device("127.0.0.1", small, 1, 8, 0), false);
        byte[] bytes = Files.readAllBytes(small.payload());
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            HttpResponse<byte[]> response = get(payload("127.0.0.1", port), "bytes=" + i + "-");
            assertThat(response.statusCode()).isEqualTo(206);
            assertThat(response.body()).isEqualTo(Arrays.copyOfRange(bytes, i, bytes.length));
        }
        // A cork left on would hold each response's short last segment for 200 ms: 20 of them at least 4 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("20 uploads one after the other")
                .isLessThan(Duration.ofSeconds(2));
        // Reported once the server saw the send complete, which may be just after the client read the last byte.
        await().untilAsserted(() -> assertThat(uploads).hasSize(20));
    }

    /**
     * A swarm's downloader (keep-alive off) closes its connection the moment it holds the last byte of a chunk. A
     * rate-limited upload sent in full is reported all the same, however soon the close follows: each one counts
     * toward the bytes its device tells rollout-service it served.
     */
    @Test
    void aRateLimitedUploadSentInFullIsReportedThoughTheReaderClosesAtItsLastByte() throws Exception {
        int port = serve(device("127.0.0.1", large, 2, 8, 64L << 20), false);
        int chunk = AppManifest.DEFAULT_CHUNK_SIZE;
        int requests = 30;
        for (int i = 0; i < requests; i++) {
            long first = (long) (i % 8) * chunk;
            Socket socket = rawRequest("127.0.0.1", port, "GET " + PeerServers.PATH_PREFIX
                    + "/base-system/12.7.4/payload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nRange: bytes="
                    + first + "-" + (first + chunk - 1) + "\r\n\r\n");
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 206");
            assertThat(in.readNBytes(chunk)).hasSize(chunk);
            socket.close(); // at once, as a client that has all it asked for
        }
        await().untilAsserted(() -> assertThat(uploads).as("every upload sent in full").hasSize(requests)
                .containsOnly((long) chunk));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @ParameterizedTest(name = "upload rate {0} B/s")
    @ValueSource(longs = {0, 256L << 20})
    void aReaderThatStopsReadingLosesItsSlotToTheNextDownloader(long rate) throws Exception {
        ServedDevice peer = device("127.0.0.1", large, 1, 8, rate);
        int port = serve(peer, false);
        Socket stalled = rawRequest("127.0.0.1", port, "GET " + PeerServers.PATH_PREFIX
                + "/base-system/12.7.4/payload HTTP/1.1\r\nHost: x\r\n\r\n");
        await().until(() -> peer.activeUploads() == 1);
        stalled.getInputStream().read(new byte[1024]); // the headers arrive, then the client reads no more

        assertThat(get(payload("127.0.0.1", port), "bytes=0-9").statusCode()).as("the only slot is held").isEqualTo(503);
        long stalledAt = System.nanoTime();
        await().atMost(15, TimeUnit.SECONDS).until(() -> peer.activeUploads() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - stalledAt)).as("freed by the idle timeout")
                .isLessThan(IDLE.multipliedBy(8));

        HttpResponse<byte[]> next = get(payload("127.0.0.1", port), null);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).hasSize((int) large.manifest().size());
        await().untilAsserted(() -> assertThat(uploads).as("only the complete upload is reported")
                .containsExactly(large.manifest().size()));
    }

    @Test
    void aThousandHalfOpenConnectionsAddNoThreadAndTheIdleTimeoutShedsThem() throws Exception {
        ServedDevice peer = device("127.0.0.1", small, 1, 8, 0);
        Duration idle = Duration.ofSeconds(5); // long enough to open them all before the first is shed
        int port = serve(peer, false, idle);
        for (int i = 0; i < 16; i++) {
            assertThat(get(payload("127.0.0.1", port), "bytes=0-0").statusCode()).isEqualTo(206); // every event loop runs
        }
        Set<String> before = threadNames();

        for (int i = 0; i < 1000; i++) {
            rawRequest("127.0.0.1", port, "GET /peerlift/v1/ap");
        }
        await().until(() -> peer.connections() >= 1000);
        assertThat(difference(threadNames(), before)).as("threads started by 1,000 half-open connections").isEmpty();
        Socket late = rawRequest("127.0.0.1", port, "GET " + PeerServers.PATH_PREFIX
                + "/base-system/12.7.4/payload HTTP/1.1\r\nHost: x\r\nRange: bytes=0-0\r\n\r\n");
        String answer = new String(late.getInputStream().readNBytes(200), StandardCharsets.US_ASCII);
        assertThat(answer).as("past the connection bound").startsWith("HTTP/1.1 503").contains("retry-after: 1");

        await().atMost(idle.multipliedBy(3)).until(() -> peer.connections() == 0);
        assertThat(get(payload("127.0.0.1", port), "bytes=0-0").statusCode()).isEqualTo(206);
        assertThat(difference(threadNames(), before)).isEmpty();
    }

    @Test
    void oneDevicesUploadRateHoldsWithinTenPercentAcrossAllItsConnections() throws Exception {
        long rate = 4L << 20;
        ServedDevice peer = device("127.0.0.1", large, 2, 8, rate);
        int port = serve(peer, false);
        long oneStream = 8L << 20;
        double single = timed(() -> get(payload("127.0.0.1", port), "bytes=0-" + (oneStream - 1)));
        double burst = Math.max(PacedUpload.SLICE_BYTES, rate / 10.0);
        assertThat(oneStream / single).as("one stream, B/s").isBetween(0.9 * rate, 1.1 * rate + burst / single);

        Thread.sleep(500); // let the bucket refill its burst, as before the first measurement
        double both = timed(() -> {
            CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(() -> unchecked(
                    () -> get(payload("127.0.0.1", port), "bytes=0-" + (oneStream / 2 - 1))));
            HttpResponse<byte[]> second = get(payload("127.0.0.1", port), "bytes=" + oneStream + "-" + (oneStream * 3 / 2 - 1));
            assertThat(first.join().statusCode()).isEqualTo(206);
            return second;
        });
        assertThat(oneStream / both).as("two streams of one device share its rate, B/s")
                .isBetween(0.9 * rate, 1.1 * rate + burst / both);
    }

    @Test
    void aFleetListenerServesEachDeviceOnItsOwnAddressAndNothingElse() throws Exception {
        int port = serve(device("127.0.0.2", small, 1, 8, 0), true);
        assertThat(serve(device("127.0.0.3", large, 1, 8, 0), true)).as("one socket for both").isEqualTo(port);

        assertThat(get(payload("127.0.0.2", port), null).body()).isEqualTo(Files.readAllBytes(small.payload()));
        assertThat(get(payload("127.0.0.3", port), "bytes=0-99").body())
                .isEqualTo(Arrays.copyOf(Files.readAllBytes(large.payload()), 100));
        Socket stranger = rawRequest("127.0.0.4", port, "GET " + PeerServers.PATH_PREFIX
                + "/base-system/12.7.4/payload HTTP/1.1\r\nHost: x\r\n\r\n");
        stranger.setSoTimeout(10_000);
        assertThat(closedByServer(stranger)).as("nobody serves 127.0.0.4: closed").isTrue();
    }

    @Test
    void beyondTheSlotsAPayloadRequestGets503WithRetryAfter() throws Exception {
        ServedDevice peer = device("127.0.0.1", large, 1, 8, 1L << 20);
        int port = serve(peer, false);
        CompletableFuture<HttpResponse<Void>> occupying = http.sendAsync(HttpRequest.newBuilder(payload("127.0.0.1", port))
                .build(), HttpResponse.BodyHandlers.discarding());
        await().until(() -> peer.activeUploads() == 1);
        HttpResponse<byte[]> refused = get(payload("127.0.0.1", port), null);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        occupying.cancel(true);
    }

    @Test
    void aRequestThatPrefersToWaitQueuesForTheSlotAndIsServedWhenItFrees() throws Exception {
        ServedDevice peer = device("127.0.0.1", large, 1, 8, 1L << 20);
        int port = serve(peer, false);
        List<String> finished = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Void>> occupying = http.sendAsync(HttpRequest.newBuilder(payload("127.0.0.1", port))
                .header("Range", "bytes=0-" + ((1 << 19) - 1)).build(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((r, e) -> finished.add("occupying"));
        await().until(() -> peer.activeUploads() == 1);
        CompletableFuture<HttpResponse<byte[]>> waiting = http.sendAsync(HttpRequest.newBuilder(payload("127.0.0.1", port))
                .header("Range", "bytes=0-9").header(PeerServers.PREFER_HEADER, "wait=5").build(),
                HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> finished.add("waiting"));
        assertThat(get(payload("127.0.0.1", port), "bytes=0-9").statusCode()).as("no Prefer: 503 at once")
                .isEqualTo(503);

        assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(206);
        assertThat(waiting.get().body()).isEqualTo(java.util.Arrays.copyOfRange(Files.readAllBytes(large.payload()), 0, 10));
        assertThat(occupying.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(206);
        assertThat(finished).as("the waiter got the slot once the upload holding it ended")
                .containsExactly("occupying", "waiting");
        await().until(() -> peer.activeUploads() == 0);
    }

    @Test
    void aWaiterWhoseSlotDoesNotFreeInTimeGets503() throws Exception {
        ServedDevice peer = device("127.0.0.1", large, 1, 8, 1L << 20);
        int port = serve(peer, false);
        CompletableFuture<HttpResponse<Void>> occupying = http.sendAsync(HttpRequest.newBuilder(payload("127.0.0.1", port))
                .build(), HttpResponse.BodyHandlers.discarding()); // 48 MiB at 1 MiB/s: the slot stays taken
        await().until(() -> peer.activeUploads() == 1);
        HttpRequest waiter = HttpRequest.newBuilder(payload("127.0.0.1", port)).header("Range", "bytes=0-9")
                .header(PeerServers.PREFER_HEADER, "respond-async, wait=1").build();
        HttpResponse<byte[]> refused = http.send(waiter, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(peer.activeUploads()).as("the slot stayed with the upload holding it").isEqualTo(1);
        occupying.cancel(true);
    }

    @ParameterizedTest(name = "Prefer: {0}")
    @CsvSource(delimiter = ';', nullValues = "none", value = {
            "none; 0", "wait=2; 2", "respond-async, wait=3; 3", "wait=600; 5", "wait=99999999999999; 5",
            "wait=x; 0", "handling=lenient; 0", "nowait=3; 0"})
    void theWaitADownloaderPrefersIsReadAndBounded(String prefer, long seconds) {
        assertThat(PeerRequests.patience(prefer)).isEqualTo(Duration.ofSeconds(seconds));
    }

    private Socket rawRequest(String address, int port, String text) throws IOException {
        Socket socket = new Socket(InetAddress.getByName(address), port);
        sockets.add(socket);
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /**
     * True when the server closed the connection: the end of the stream, or a reset when it closed with the request
     * still unread (which of the two depends on whether the request had arrived by then).
     */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketException reset) {
            return "Connection reset".equals(reset.getMessage());
        }
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T unchecked(Call<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seconds the call took; its response must be a success. */
    private static double timed(Call<HttpResponse<byte[]>> call) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = call.call();
        assertThat(response.statusCode()).isEqualTo(206);
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * The live threads, without those the test harness itself starts and ends as it likes: Awaitility's poll
     * thread (one per {@code await()}), the JDK HttpClient's and the common pool's workers of the test's own
     * requests. Everything else, the server's event loops included, counts.
     */
    private static Set<String> threadNames() {
        Set<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> !name.startsWith("awaitility") && !name.startsWith("HttpClient-")
                        && !name.startsWith("ForkJoinPool"))
                .collect(Collectors.toSet());
        assertThat(names).as("the server's event loops are among the threads counted")
                .anyMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
        return names;
    }

    private static Set<String> difference(Set<String> after, Set<String> before) {
        Set<String> added = new HashSet<>(after);
        added.removeAll(before);
        return added;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }
}
