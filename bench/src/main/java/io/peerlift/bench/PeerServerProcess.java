package io.peerlift.bench;

import io.peerlift.device.peer.PeerServers;
import io.peerlift.device.peer.PeerTls;
import io.peerlift.device.peer.ServedDevice;
import io.peerlift.device.peer.ServedPackage;
import io.peerlift.events.AppManifest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The peer update server alone, in its own JVM so that its CPU can be measured: it serves one file as the payload of
 * base-system 12.7.4 on 127.0.0.1, as a fleet's listener does (one event loop per core, sendfile, no rate limit), on
 * Vert.x with Netty's epoll transport as device-service runs it ({@code quarkus.vertx.prefer-native-transport}), over
 * HTTP and, with the device's certificate and key, over HTTPS beside it (one {@code ServedDevice} on both, as a
 * device serves). Prints {@code READY <port> <https port>} and serves until killed.
 */
public final class PeerServerProcess {

    private PeerServerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int slots = Integer.parseInt(args[2]);
        int httpsPort = Integer.parseInt(args[3]);
        PeerTls tls = PeerTls.from(Path.of(args[4]), Path.of(args[5]), null);
        AppManifest manifest;
        try (InputStream in = Files.newInputStream(file)) {
            manifest = AppManifest.compute("base-system", "12.7.4", AppManifest.DEFAULT_CHUNK_SIZE, in);
        }
        // No signature: the bench measures payload uploads only, no device downloads from it.
        ServedPackage pkg = new ServedPackage(manifest, manifest.canonicalBytes(), file, null);
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        if (!vertx.isNativeTransportEnabled()) {
            System.out.println("Netty's epoll transport is unavailable (" + vertx.unavailableNativeTransportCause()
                    + "): serving on NIO, uncorked");
        }
        PeerServers servers = new PeerServers(vertx, Duration.ofSeconds(10), true, tls);
        ServedDevice device = new ServedDevice("bench-peer", "127.0.0.1", slots, slots, 0,
                (app, version) -> Optional.of(pkg), (to, served, bytes) -> { });
        int bound = servers.serve(device, port).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).port();
        int secure = servers.serveHttps(device, httpsPort).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS).port();
        System.out.println("READY " + bound + " " + secure);
        System.out.flush();
        Thread.currentThread().join();
    }
}
