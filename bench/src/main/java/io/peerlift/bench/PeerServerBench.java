package io.peerlift.bench;

import io.peerlift.localstack.FleetCa;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench peer-server [--file-mib N] [--clients C] [--rounds R]}: the peer update server against Debian's
 * nginx, both started here, serving the same file over the same loopback, measured in one run: MiB/s and the
 * server's CPU seconds per GiB sent, for one stream and for {@code C} concurrent clients. nginx runs with sendfile and
 * as many workers as the peer server has event loops (one per core). Each figure is the median of {@code R} (3) rounds
 * in which the servers take turns, after each server's warm-up. Then the same over HTTPS (TLS 1.3 on both: nginx
 * 1.22 would pick 1.2 by default; one certificate of a fleet CA made here for 127.0.0.1): the peer server's HTTPS
 * beside its HTTP, nginx's {@code ssl} listener beside its plain one. TLS cannot use sendfile (no kernel TLS on
 * either side), so both encrypt in user space, and the client, on the same cores, decrypts.
 * <p>
 * The warm-up lasts until the server's JIT compilers stayed idle for a whole round (nginx: one round). The peer
 * server's Java code runs about once per MiB sent (one sendfile region), so HotSpot compiles its hot path with C2 only
 * after several GiB; a shorter warm-up charges that one-time compilation, and the slower code before it, to the bytes
 * measured. The warm-up's rounds and JIT CPU are printed.
 * Targets, over HTTP: at least 0.9x nginx's throughput, at most 1.3x its CPU per byte; HTTPS has none yet (its
 * ratios are printed).
 */
public final class PeerServerBench {

    private static final double MIB = 1024.0 * 1024.0;
    private static final double GIB = MIB * 1024.0;
    /** A JVM whose compilers are still busy after this many warm-up rounds is measured as it is. */
    private static final int MAX_WARM_UP_ROUNDS = 12;

    /** A server to fetch from; {@code tls} null for plain HTTP. */
    private record Server(String name, String path, int port, ProcessHandle process, SSLSocketFactory tls) {
    }

    private record Figures(double mibPerSecond, double cpuSecondsPerGib) {
    }

    private PeerServerBench() {
    }

    public static void main(String[] args) throws Exception {
        int fileMib = intOption(args, "--file-mib", 1024);
        int clients = intOption(args, "--clients", 8);
        int rounds = intOption(args, "--rounds", 3);
        int cores = Runtime.getRuntime().availableProcessors();
        try (WorkDir dir = new WorkDir("peerlift-bench-peer-server-")) {
            run(dir.path(), fileMib, clients, rounds, cores);
        }
    }

    private static void run(Path work, int fileMib, int clients, int rounds, int cores) throws Exception {
        Path file = work.resolve("payload.bin");
        writeFile(file, fileMib);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        long size = Files.size(file);
        System.out.printf("peer-server: %d MiB file, 1 stream and %d concurrent clients, %d cores, loopback, median of %d"
                + " (load average %s)%n", fileMib, clients, cores, rounds, loadAverage());
        FleetCa ca = FleetCa.create("Peerlift bench fleet CA");
        FleetCa.Issued certificate = ca.issue("bench-peer", List.of("127.0.0.1"), work.resolve("tls"));
        SSLSocketFactory tls = trusting(ca.writeCertificate(work.resolve("tls/fleet-ca.pem")));
        List<Process> started = new ArrayList<>();
        try {
            List<Server> nginx = startNginx(work, file, cores, certificate, tls, started);
            List<Server> peerlift = startPeerServer(file, clients, certificate, tls, started);
            // nginx, peerlift over HTTP; nginx, peerlift over HTTPS
            List<Server> servers = List.of(nginx.get(0), peerlift.get(0), nginx.get(1), peerlift.get(1));
            for (Server server : servers) {
                warmUp(server, clients, size);
            }
            System.out.printf("TLS: nginx %s, peerlift %s%n", negotiated(nginx.get(1)), negotiated(peerlift.get(1)));
            // Each figure is the median of the rounds, the servers taking turns, so that a burst of other work on the
            // machine does not land on one of them only.
            List<List<Figures>> samples = new ArrayList<>();
            for (int i = 0; i < 2 * servers.size(); i++) {
                samples.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < servers.size(); i++) {
                    samples.get(2 * i).add(measure(servers.get(i), 1, size));
                    samples.get(2 * i + 1).add(measure(servers.get(i), clients, size));
                }
            }
            Figures[][] results = new Figures[servers.size()][2];
            for (int i = 0; i < servers.size(); i++) {
                results[i][0] = median(samples.get(2 * i));
                results[i][1] = median(samples.get(2 * i + 1));
            }
            print(servers, results, clients, nginxVersion());
            System.out.printf("load average at the end: %s%n", loadAverage());
        } finally {
            for (Process process : started) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Rounds of one stream and {@code clients} streams until the server's JIT compilers were idle for a whole one. */
    private static void warmUp(Server server, int clients, long size) throws Exception {
        double jitBefore = ProcessCpu.jitSeconds(server.process());
        double jit = jitBefore;
        int rounds = 0;
        boolean idle = false;
        while (!idle && rounds < MAX_WARM_UP_ROUNDS) {
            transfer(server, 1, size);
            transfer(server, clients, size);
            rounds++;
            double now = ProcessCpu.jitSeconds(server.process());
            idle = now == jit;
            jit = now;
        }
        System.out.printf("warm-up of %s: %d rounds (%.1f GiB), %.2f CPU-s in JIT compilers%s%n", server.name(), rounds,
                rounds * (1 + clients) * size / GIB, jit - jitBefore, idle ? "" : ", still compiling");
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Figures median(List<Figures> samples) {
        List<Double> rates = samples.stream().map(Figures::mibPerSecond).sorted().toList();
        List<Double> cpus = samples.stream().map(Figures::cpuSecondsPerGib).sorted().toList();
        return new Figures(rates.get(rates.size() / 2), cpus.get(cpus.size() / 2));
    }

    private static Figures measure(Server server, int streams, long size) throws Exception {
        double cpuBefore = ProcessCpu.seconds(server.process());
        long start = System.nanoTime();
        long bytes = transfer(server, streams, size);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = ProcessCpu.seconds(server.process()) - cpuBefore;
        return new Figures(bytes / MIB / seconds, cpu / (bytes / GIB));
    }

    /** {@code streams} clients each fetch the whole file at once; returns the payload bytes received. */
    private static long transfer(Server server, int streams, long size) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<Long>> fetches = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                fetches.add(pool.submit(() -> fetch(server, size)));
            }
            long total = 0;
            for (Future<Long> fetch : fetches) {
                total += fetch.get(10, TimeUnit.MINUTES);
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One GET read to the end into a discarded buffer: the client costs as little as it can. */
    private static long fetch(Server server, long size) throws IOException {
        if (server.tls() != null) {
            return fetchOverTls(server, size);
        }
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            channel.write(ByteBuffer.wrap(request(server)));
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            long received = 0;
            int read;
            while ((read = channel.read(buffer)) >= 0) {
                received += read;
                buffer.clear();
            }
            if (received < size) {
                throw new IOException(server.name() + " sent " + received + " bytes of " + size);
            }
            return size;
        }
    }

    private static long fetchOverTls(Server server, long size) throws IOException {
        try (SSLSocket socket = (SSLSocket) server.tls().createSocket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(request(server));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1 << 20];
            long received = 0;
            int read;
            while ((read = in.read(buffer)) >= 0) {
                received += read;
            }
            if (received < size) {
                throw new IOException(server.name() + " sent " + received + " bytes of " + size);
            }
            return size;
        }
    }

    private static byte[] request(Server server) {
        return ("GET " + server.path() + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The protocol and cipher suite a handshake with the server agrees on. */
    private static String negotiated(Server server) throws IOException {
        try (SSLSocket socket = (SSLSocket) server.tls().createSocket("127.0.0.1", server.port())) {
            socket.startHandshake();
            return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
        }
    }

    /** Sockets that trust the fleet CA alone, as a downloader holding it does. */
    private static SSLSocketFactory trusting(Path caFile) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trusted.setCertificateEntry("fleet-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** One nginx serving the file over HTTP and, with the certificate, over HTTPS: the plain server, then the TLS one. */
    private static List<Server> startNginx(Path work, Path file, int workers, FleetCa.Issued certificate,
                                           SSLSocketFactory tls, List<Process> started) throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginx)) {
            System.out.println("nginx is missing: installing Debian's package (apt-get install nginx)");
            run("apt-get", "update", "-qq");
            run("apt-get", "install", "-y", "-qq", "nginx");
        }
        int port = freePort();
        int httpsPort = freePort();
        Path prefix = Files.createDirectories(work.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes %d;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/logs/error.log;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    sendfile on;
                    tcp_nopush on;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    server {
                        listen 127.0.0.1:%d;
                        root %s;
                    }
                    server {
                        listen 127.0.0.1:%d ssl;
                        ssl_protocols TLSv1.3;
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        root %s;
                    }
                }
                """.formatted(workers, prefix, prefix, prefix, prefix, prefix, prefix, prefix, port, file.getParent(),
                httpsPort, certificate.certFile(), certificate.keyFile(), file.getParent()));
        Process process = new ProcessBuilder(nginx.toString(), "-p", prefix.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        started.add(process);
        awaitPort(port, process);
        awaitPort(httpsPort, process);
        String path = "/" + file.getFileName();
        return List.of(new Server("nginx", path, port, process.toHandle(), null),
                new Server("nginx HTTPS", path, httpsPort, process.toHandle(), tls));
    }

    /** The peer update server over HTTP and HTTPS, in one JVM as on a device: the plain server, then the TLS one. */
    private static List<Server> startPeerServer(Path file, int clients, FleetCa.Issued certificate,
                                                SSLSocketFactory tls, List<Process> started) throws Exception {
        int port = freePort();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), PeerServerProcess.class.getName(),
                file.toString(), String.valueOf(port), String.valueOf(clients), String.valueOf(freePort()),
                certificate.certFile().toString(), certificate.keyFile().toString())
                .redirectErrorStream(true).start();
        started.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY")) {
            System.out.println("  peer server: " + line);
        }
        if (line == null) {
            throw new IllegalStateException("the peer server process ended before it was ready");
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "peer-server-output");
        drain.setDaemon(true);
        drain.start();
        String[] ports = line.split(" ");
        String path = "/peerlift/v1/apps/base-system/12.7.4/payload";
        return List.of(new Server("peerlift (Vert.x)", path, Integer.parseInt(ports[1]), process.toHandle(), null),
                new Server("peerlift HTTPS", path, Integer.parseInt(ports[2]), process.toHandle(), tls));
    }

    /** The servers in pairs, nginx then peerlift: HTTP, then HTTPS. */
    private static void print(List<Server> servers, Figures[][] results, int clients, String nginxVersion) {
        System.out.printf("%n%-22s %24s %26s%n", "", "1 stream", clients + " concurrent clients");
        System.out.printf("%-22s %11s %12s %12s %13s%n", "server", "MiB/s", "CPU-s/GiB", "MiB/s", "CPU-s/GiB");
        boolean httpMet = true;
        for (int i = 0; i < servers.size(); i++) {
            String name = i == 0 ? nginxVersion : i == 2 ? nginxVersion + " HTTPS" : servers.get(i).name();
            System.out.printf("%-22s %11.0f %12.3f %12.0f %13.3f%n", name, results[i][0].mibPerSecond(),
                    results[i][0].cpuSecondsPerGib(), results[i][1].mibPerSecond(), results[i][1].cpuSecondsPerGib());
            if (i % 2 == 1) {
                System.out.printf("%-22s", i == 1 ? "peerlift / nginx" : "HTTPS: peerlift / nginx");
                for (int column = 0; column < 2; column++) {
                    double throughput = results[i][column].mibPerSecond() / results[i - 1][column].mibPerSecond();
                    double cpu = results[i][column].cpuSecondsPerGib() / results[i - 1][column].cpuSecondsPerGib();
                    httpMet &= i > 1 || throughput >= 0.9 && cpu <= 1.3;
                    System.out.printf(" %10.2fx %11.2fx ", throughput, cpu);
                }
                System.out.println();
            }
        }
        System.out.printf("%ntargets (HTTP): throughput >= 0.90x nginx, CPU per byte <= 1.30x nginx: %s%n",
                httpMet ? "met" : "NOT met");
        System.out.printf("HTTPS against HTTP, peerlift: %.2fx the throughput, %.2fx the CPU per byte (1 stream)%n",
                results[3][0].mibPerSecond() / results[1][0].mibPerSecond(),
                results[3][0].cpuSecondsPerGib() / results[1][0].cpuSecondsPerGib());
    }

    private static String nginxVersion() {
        try {
            Process version = new ProcessBuilder("/usr/sbin/nginx", "-v").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return "nginx " + text.substring(text.indexOf('/') + 1);
        } catch (IOException e) {
            return "nginx";
        }
    }

    private static void writeFile(Path file, int mib) throws IOException {
        byte[] block = new byte[1 << 20];
        new Random(42).nextBytes(block);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < mib; i++) {
                block[i % block.length] ^= (byte) i; // no two MiB alike
                out.write(ByteBuffer.wrap(block));
            }
        }
    }

    private static void awaitPort(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
