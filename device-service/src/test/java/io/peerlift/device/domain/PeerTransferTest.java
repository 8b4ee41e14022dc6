package io.peerlift.device.domain;

import io.peerlift.device.domain.ContentStore.StoredApp;
import io.peerlift.device.domain.PayloadFetcher.Outcome;
import io.peerlift.events.AppManifest;
import io.peerlift.events.PeerOffer;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.peer.ServedPackage;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Peer update servers and the verifying fetcher over real HTTP on loopback. */
class PeerTransferTest {

    private static final int CHUNK = AppManifest.DEFAULT_CHUNK_SIZE;

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
    private final Vertx vertx = Vertx.vertx();
    private final PeerServers servers = new PeerServers(vertx, Duration.ofSeconds(10), false);
    private final List<Long> uploads = new CopyOnWriteArrayList<>();
    private ContentStore store;
    private StoredApp app;

    @BeforeEach
    void setUp() throws Exception {
        store = new ContentStore(dir.resolve("store"));
        app = store.importPackage(TestRig.APP, TestRig.TARGET, TestRig.randomPackage(dir, 6 * CHUNK + 12_345));
    }

    @AfterEach
    void tearDown() {
        servers.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        executor.shutdownNow();
    }

    private PeerServers.Serving serve(StoredApp served, int capacity, long rate) throws Exception {
        ServedPackage pkg = new ServedPackage(served.manifest(), served.manifestBytes(), served.payload());
        ServedDevice device = new ServedDevice("peer", "127.0.0.1", capacity, 8, rate,
                (a, v) -> a.equals(served.manifest().app()) && v.equals(served.manifest().version())
                        ? Optional.of(pkg) : Optional.empty(),
                (to, stored, bytes) -> uploads.add(bytes));
        return servers.serve(device, 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Source sourceOf(String id, PeerServers.Serving server) {
        return Source.peer(new PeerOffer(id, "127.0.0.1", server.port(), TestRig.APP, TestRig.TARGET, "x", 0, 1));
    }

    private PayloadFetcher fetcher() {
        return new PayloadFetcher(http, "requester", Duration.ofSeconds(5));
    }

    /** Counts the bytes received from each source. */
    private static final class Tally implements PayloadFetcher.Listener {
        final AtomicLong received = new AtomicLong();
        final AtomicLong verifiedChunks = new AtomicLong();

        @Override
        public void received(Source source, long bytes) {
            received.addAndGet(bytes);
        }

        @Override
        public void verified(Source source, int chunk) {
            verifiedChunks.incrementAndGet();
        }
    }

    @Test
    void aFullDownloadIsVerifiedChunkByChunkAndMatchesTheManifest() throws Exception {
        Source peer = sourceOf("peer", serve(app, 1, 0));
        AppManifest manifest = fetcher().fetchManifest(peer, TestRig.APP, TestRig.TARGET, app.manifest().manifestSha256());
        try (PartialDownload download = PartialDownload.open(dir.resolve("downloads"), manifest)) {
            Tally tally = new Tally();
            assertThat(fetcher().fetchMissing(peer, download, tally, () -> false)).isEqualTo(Outcome.COMPLETE);
            assertThat(tally.received.get()).isEqualTo(manifest.size());
            assertThat(tally.verifiedChunks.get()).isEqualTo(manifest.chunkCount());
            assertThat(ContentStore.digestOf(download.payloadPath())).isEqualTo(manifest.sha256());
        }
        await().untilAsserted(() -> assertThat(uploads).containsExactly(app.manifest().size()));
    }

    @Test
    void aManifestThatDoesNotHashToTheCommandedIdentityIsRefused() throws Exception {
        Source peer = sourceOf("peer", serve(app, 1, 0));
        String otherIdentity = "0".repeat(64);
        assertThatThrownBy(() ->
                        fetcher().fetchManifest(peer, TestRig.APP, TestRig.TARGET, otherIdentity))
                .isInstanceOf(AppManifest.ManifestMismatchException.class);
    }

    @Test
    void aDownloadResumesFromAnotherPeerWithoutRefetchingVerifiedChunks() throws Exception {
        PeerServers.Serving slow = serve(app, 1, 2L * CHUNK);
        Source first = sourceOf("slow", slow);
        Source second = sourceOf("fast", serve(app, 1, 0));
        AppManifest manifest = app.manifest();
        long kept;
        try (PartialDownload download = PartialDownload.open(dir.resolve("downloads"), manifest)) {
            Tally fromFirst = new Tally();
            CompletableFuture<Outcome> interrupted = CompletableFuture.supplyAsync(() -> fetch(first, download, fromFirst), executor);
            await().until(() -> fromFirst.verifiedChunks.get() >= 2);
            slow.close();
            assertThat(interrupted.get()).isEqualTo(Outcome.UNAVAILABLE);
            kept = download.verifiedBytes();
            assertThat(kept).isGreaterThanOrEqualTo(2L * CHUNK).isLessThan(manifest.size());
        }

        try (PartialDownload resumed = PartialDownload.open(dir.resolve("downloads"), manifest)) {
            assertThat(resumed.verifiedBytes()).as("verified chunks survive on disk").isEqualTo(kept);
            Tally fromSecond = new Tally();
            assertThat(fetcher().fetchMissing(second, resumed, fromSecond, () -> false)).isEqualTo(Outcome.COMPLETE);
            assertThat(fromSecond.received.get()).as("only the missing chunks cross the wire")
                    .isEqualTo(manifest.size() - kept);
            assertThat(ContentStore.digestOf(resumed.payloadPath())).isEqualTo(manifest.sha256());
        }
        await().untilAsserted(() -> assertThat(uploads).as("the killed peer never completed an upload")
                .containsExactly(manifest.size() - kept));
    }

    private Outcome fetch(Source source, PartialDownload download, Tally tally) {
        try {
            return fetcher().fetchMissing(source, download, tally, () -> false);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPeerThatFreezesMidTransferIsLeftAfterTheTimeoutKeepingWhatWasVerified() throws Exception {
        AppManifest manifest = app.manifest();
        byte[] payload = Files.readAllBytes(app.payload());
        try (ServerSocket frozen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            executor.execute(() -> {
                try (Socket connection = frozen.accept()) {
                    connection.getInputStream().read(new byte[8192]);
                    OutputStream out = connection.getOutputStream();
                    out.write(("HTTP/1.1 206 Partial Content\r\nContent-Length: " + manifest.size()
                            + "\r\nContent-Range: bytes 0-" + (manifest.size() - 1) + "/" + manifest.size() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(payload, 0, CHUNK + 1000);
                    out.flush();
                    Thread.sleep(60_000);
                } catch (Exception e) {
                    // the test is over
                }
            });
            Source peer = Source.peer(new PeerOffer("frozen", "127.0.0.1", frozen.getLocalPort(), TestRig.APP,
                    TestRig.TARGET, "x", 0, 1));
            PayloadFetcher impatient = new PayloadFetcher(http, "requester", Duration.ofSeconds(1));
            try (PartialDownload download = PartialDownload.open(dir.resolve("downloads"), manifest)) {
                assertThat(impatient.fetchMissing(peer, download, new Tally(), () -> false)).isEqualTo(Outcome.UNAVAILABLE);
                assertThat(download.verifiedBytes()).isEqualTo(CHUNK);
            }
        }
    }

    @Test
    void aRoguePeerIsDetectedAtTheFirstBadChunkAndNothingCorruptIsKept() throws Exception {
        Path corrupt = dir.resolve("corrupt.bin");
        byte[] bytes = Files.readAllBytes(app.payload());
        bytes[3 * CHUNK + 77] ^= 0x5a;
        Files.write(corrupt, bytes);
        Source rogue = sourceOf("rogue", serve(new StoredApp(app.manifest(), app.manifestBytes(), corrupt), 1, 0));
        try (PartialDownload download = PartialDownload.open(dir.resolve("downloads"), app.manifest())) {
            assertThat(fetcher().fetchMissing(rogue, download, new Tally(), () -> false)).isEqualTo(Outcome.CORRUPT);
            assertThat(download.verifiedBytes()).isEqualTo(3L * CHUNK);
            assertThat(download.isVerified(3)).isFalse();
            assertThat(download.missingRuns()).containsExactly(new PartialDownload.ChunkRun(3, 6));
        }
    }
}
