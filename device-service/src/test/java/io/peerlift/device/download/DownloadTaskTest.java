package io.peerlift.device.download;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlift.device.discovery.DiscoveryClient;
import io.peerlift.device.domain.Backoff;
import io.peerlift.device.domain.DeviceMetrics;
import io.peerlift.device.peer.PayloadClient;
import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.PeerTls;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Sha256;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Subnet;
import io.peerlift.events.TrustedReleaseKeys;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The download scheduler against real peer servers and real sockets: verification, resumption, timeouts, rogues. */
class DownloadTaskTest {

    private static final int CHUNK = AppManifest.DEFAULT_CHUNK_SIZE;
    private static final Subnet SUBNET = Subnet.parse("127.0.0.0/24");

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final PeerServers servers = new PeerServers(vertx, Duration.ofSeconds(10), false, PeerTls.none());
    private final DeviceMetrics metrics = new DeviceMetrics(new SimpleMeterRegistry());
    private ChunkStore store;
    private Path packageFile;
    private AppManifest manifest;

    @BeforeEach
    void setUp() throws Exception {
        store = new ChunkStore(dir.resolve("store"));
        byte[] bytes = new byte[6 * CHUNK + 12_345];
        new Random(7).nextBytes(bytes);
        packageFile = Files.write(dir.resolve("package.bin"), bytes);
        try (InputStream in = Files.newInputStream(packageFile)) {
            manifest = AppManifest.compute("base-system", "12.7.4", CHUNK, in);
        }
    }

    @AfterEach
    void tearDown() {
        servers.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** A repository stand-in: a peer server on 127.0.0.1 serving {@code payload} under {@code manifest}. */
    private String repository(Path payload, long rate, AtomicInteger requests) throws Exception {
        ServedPackage pkg = new ServedPackage(manifest, manifest.canonicalBytes(), payload, null);
        ServedDevice device = new ServedDevice("repository", "127.0.0.1", 4, 8, rate, (a, v) -> {
            requests.incrementAndGet();
            return Optional.of(pkg);
        }, (to, p, n) -> { });
        int port = servers.serve(device, 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).port();
        return "http://127.0.0.1:" + port + PeerServers.PATH_PREFIX;
    }

    /** What the task told, for assertions. */
    private static final class Recorder implements DownloadTask.Report {
        final AtomicLong received = new AtomicLong();
        final AtomicLong lastProgress = new AtomicLong();
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger discoveryRounds = new AtomicInteger();

        public void discoveryRequested(int round) {
            discoveryRounds.incrementAndGet();
        }

        public void discoveryAnswered(int round, List<PeerOffer> offers) {
        }

        public void started(Source first, long totalBytes) {
            started.incrementAndGet();
        }

        public void progress(long bytesDone, long totalBytes, Source current) {
            lastProgress.set(bytesDone);
        }

        public void received(DownloadSource kind, long bytes) {
            received.addAndGet(bytes);
        }

        public void rejected(String what) {
        }
    }

    private DownloadTask task(String deviceId, String repositoryUrl, String manifestSha256, Duration timeout,
                              Recorder recorder) {
        return task(deviceId, repositoryUrl, manifestSha256, timeout, recorder, SourcePolicy.WAN_SEED, true);
    }

    private DownloadTask task(String deviceId, String repositoryUrl, String manifestSha256, Duration timeout,
                              Recorder recorder, SourcePolicy policy, boolean httpAllowed) {
        return task(deviceId, repositoryUrl, manifestSha256, timeout, recorder, policy, httpAllowed, true, false);
    }

    private DownloadTask task(String deviceId, String repositoryUrl, String manifestSha256, Duration timeout,
                              Recorder recorder, SourcePolicy policy, boolean httpAllowed, boolean discoveryEnabled,
                              boolean wanWithoutDiscovery) {
        DeviceCommand.Upgrade command = new DeviceCommand.Upgrade(UUID.randomUUID(), deviceId, SUBNET.toString(),
                Instant.now(), "r1", "base-system", "12.7.4", manifestSha256, policy, repositoryUrl, 1, null,
                null);
        DownloadTask.Setup setup = new DownloadTask.Setup(deviceId, "127.0.0.1", SUBNET, 9, discoveryEnabled,
                httpAllowed, wanWithoutDiscovery,
                dir.resolve("devices").resolve(deviceId), Duration.ofMillis(200),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(100)), 1, Duration.ZERO, 1, Duration.ofMillis(1),
                io.peerlift.device.agent.TestRig.config(java.util.Map.of()).swarm());
        return new DownloadTask(vertx, vertx.getOrCreateContext(), new DiscoveryClient(vertx, metrics), new PayloadClient(vertx, timeout, PeerTls.none()), store,
                new TrustedReleaseKeys(List.of()), command, setup, recorder);
    }

    private static StoredPackage finished(DownloadTask task) throws Exception {
        return task.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static DownloadTask.Failure failure(DownloadTask task) {
        CompletableFuture<StoredPackage> outcome = task.start().toCompletionStage().toCompletableFuture();
        try {
            outcome.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (DownloadTask.Failure) e.getCause();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("the download succeeded");
    }

    @Test
    void everyChunkIsVerifiedKeptOnceForTheFleetAndRecordedPerDevice() throws Exception {
        String repository = repository(packageFile, 0, new AtomicInteger());
        Recorder first = new Recorder();
        StoredPackage pkg = finished(task("d1", repository, manifest.manifestSha256(), Duration.ofSeconds(5), first));
        assertThat(first.received).hasValue(manifest.size());
        assertThat(first.lastProgress).hasValue(manifest.size());
        assertThat(Sha256.hex(Files.readAllBytes(pkg.payload()))).isEqualTo(manifest.sha256());

        Recorder second = new Recorder();
        StoredPackage same = finished(task("d2", repository, manifest.manifestSha256(), Duration.ofSeconds(5), second));
        assertThat(same).isSameAs(pkg);
        assertThat(second.received).as("the second device still receives every byte").hasValue(manifest.size());
        assertThat(ChunkRecord.load(dir.resolve("devices/d2"), manifest).isComplete()).isTrue();
        try (Stream<Path> files = Files.walk(dir.resolve("devices"))) {
            assertThat(files.filter(Files::isRegularFile).mapToLong(DownloadTaskTest::size).sum())
                    .as("devices keep records, not payloads").isLessThan(100);
        }
    }

    @Test
    void aDownloadResumesElsewhereWithoutRefetchingVerifiedChunks() throws Exception {
        Recorder slow = new Recorder();
        DownloadTask interrupted = task("d1", repository(packageFile, 2L * CHUNK, new AtomicInteger()),
                manifest.manifestSha256(), Duration.ofSeconds(5), slow);
        CompletableFuture<StoredPackage> running = interrupted.start().toCompletionStage().toCompletableFuture();
        await().until(() -> interrupted.verifiedBytes() >= 2L * CHUNK);
        interrupted.cancel();
        assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DownloadTask.Failure.class)
                .hasMessageContaining("cancelled");
        long kept = ChunkRecord.load(dir.resolve("devices/d1"), manifest).verifiedBytes();
        assertThat(kept).isGreaterThanOrEqualTo(2L * CHUNK).isLessThan(manifest.size());

        Recorder fast = new Recorder();
        finished(task("d1", repository(packageFile, 0, new AtomicInteger()), manifest.manifestSha256(),
                Duration.ofSeconds(5), fast));
        assertThat(fast.received).as("only the missing chunks cross the wire").hasValue(manifest.size() - kept);
    }

    @Test
    void aSourceThatFreezesMidTransferIsLeftAfterTheTimeoutKeepingWhatWasVerified() throws Exception {
        byte[] payload = Files.readAllBytes(packageFile);
        try (ServerSocket frozen = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> freeze(frozen, payload), "frozen-peer");
            server.setDaemon(true);
            server.start();
            String url = "http://127.0.0.1:" + frozen.getLocalPort() + PeerServers.PATH_PREFIX;
            // It answers the manifest, then freezes in the middle of the payload.
            DownloadTask.Failure failed = failure(task("d1", url, manifest.manifestSha256(), Duration.ofSeconds(1),
                    new Recorder()));
            assertThat(failed.getMessage()).contains("failed 1 times");
            assertThat(failed.verifiedBytes()).isEqualTo(CHUNK);
        }
    }

    /** Answers the manifest, then sends a chunk and a bit of the payload and stops, keeping the connection open. */
    private void freeze(ServerSocket frozen, byte[] payload) {
        try {
            while (true) {
                Socket connection = frozen.accept();
                byte[] request = new byte[8192];
                int n = connection.getInputStream().read(request);
                String head = new String(request, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
                OutputStream out = connection.getOutputStream();
                if (head.contains("/manifest")) {
                    byte[] body = manifest.canonicalBytes();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    connection.close();
                    continue;
                }
                out.write(("HTTP/1.1 206 Partial Content\r\nContent-Length: " + manifest.size()
                        + "\r\nContent-Range: bytes 0-" + (manifest.size() - 1) + "/" + manifest.size() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(payload, 0, CHUNK + 1000);
                out.flush();
            }
        } catch (Exception e) {
            // the test is over
        }
    }

    @Test
    void aRogueSourceIsDetectedAtTheFirstBadChunkAndNothingCorruptIsKept() throws Exception {
        Path corrupt = dir.resolve("corrupt.bin");
        byte[] bytes = Files.readAllBytes(packageFile);
        bytes[3 * CHUNK + 77] ^= 0x5a;
        Files.write(corrupt, bytes);
        DownloadTask.Failure failed = failure(task("d1", repository(corrupt, 0, new AtomicInteger()),
                manifest.manifestSha256(), Duration.ofSeconds(5), new Recorder()));
        assertThat(failed.getMessage()).contains("do not match manifest");
        ChunkRecord record = ChunkRecord.load(dir.resolve("devices/d1"), manifest);
        assertThat(record.verifiedBytes()).isEqualTo(3L * CHUNK);
        assertThat(record.missingRuns()).containsExactly(new ChunkRecord.ChunkRun(3, 6));
        StoredPackage entry = store.find(manifest.manifestSha256()).orElseThrow();
        assertThat(entry.has(2)).isTrue();
        assertThat(entry.has(3)).as("the bad chunk never reaches the store").isFalse();
    }

    @Test
    void aManifestThatDoesNotHashToTheCommandedIdentityIsRefused() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        DownloadTask.Failure failed = failure(task("d1", repository(packageFile, 0, requests), "0".repeat(64),
                Duration.ofSeconds(5), new Recorder()));
        assertThat(failed.getMessage()).contains("do not match manifest");
        assertThat(requests).as("the manifest only, never the payload").hasValue(1);
        assertThat(store.find("0".repeat(64))).isEmpty();
    }

    @Test
    void aDeviceThatMayUseNoPeerSaysSoAtOnceOrGoesToTheRepository() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        String repository = repository(packageFile, 0, requests);
        DownloadTask.Failure failed = failure(task("d1", repository, manifest.manifestSha256(), Duration.ofSeconds(5),
                new Recorder(), SourcePolicy.PEER_ONLY, false));
        assertThat(failed.getMessage()).isEqualTo("peerlift.peer_download.http_allowed is false and the device holds no"
                + " fleet CA to verify a peer's HTTPS (peerlift.device.tls.fleet-ca-file) and the policy is PEER_ONLY");
        assertThat(requests).hasValue(0);

        Recorder recorder = new Recorder();
        finished(task("d2", repository, manifest.manifestSha256(), Duration.ofSeconds(5), recorder,
                SourcePolicy.PEER_THEN_WAN, false));
        assertThat(recorder.received).hasValue(Files.size(packageFile));
        assertThat(recorder.discoveryRounds).as("no discovery for peers it could not use").hasValue(0);
    }

    @Test
    void discoveryOffFailsPeerThenWanWithoutTouchingTheRepositoryUnlessTheProjectKeyAllowsTheWan() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        String repository = repository(packageFile, 0, requests);
        DownloadTask.Failure failed = failure(task("d1", repository, manifest.manifestSha256(), Duration.ofSeconds(5),
                new Recorder(), SourcePolicy.PEER_THEN_WAN, true, false, false));
        assertThat(failed.getMessage()).startsWith("discovery is disabled by the device configuration")
                .contains("PEER_THEN_WAN", "'peerlift.update.wan_without_discovery' = true allows that");
        assertThat(requests).as("no WAN leak").hasValue(0);

        Recorder allowed = new Recorder();
        finished(task("d2", repository, manifest.manifestSha256(), Duration.ofSeconds(5), allowed,
                SourcePolicy.PEER_THEN_WAN, true, false, true));
        assertThat(allowed.received).hasValue(Files.size(packageFile));
        assertThat(allowed.discoveryRounds).as("discovery stays off").hasValue(0);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
