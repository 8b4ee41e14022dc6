package io.peerlift.bench;

import java.io.BufferedReader;
import java.io.IOException;
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
 * in which the servers take turns, after each server's warm-up.
 * <p>
 * The warm-up lasts until the server's JIT compilers stayed idle for a whole round (nginx: one round). The peer
 * server's Java code runs about once per MiB sent (one sendfile region), so HotSpot compiles its hot path with C2 only
 * after several GiB; a shorter warm-up charges that one-time compilation, and the slower code before it, to the bytes
 * measured. The warm-up's rounds and JIT CPU are printed.
 * Targets: at least 0.9x nginx's throughput, at most 1.3x its CPU per byte.
 */
public final class PeerServerBench {

    private static final double MIB = 1024.0 * 1024.0;
    private static final double GIB = MIB * 1024.0;
    /** A JVM whose compilers are still busy after this many warm-up rounds is measured as it is. */
    private static final int MAX_WARM_UP_ROUNDS = 12;

    private record Server(String name, String path, int port, ProcessHandle process) {
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
        List<Process> started = new ArrayList<>();
        try {
            Server nginx = startNginx(work, file, cores, started);
            Server peerlift = startPeerServer(file, clients, started);
            List<Server> servers = List.of(nginx, peerlift);
            for (Server server : servers) {
                warmUp(server, clients, size);
            }
            // Each figure is the median of the rounds, the servers taking turns, so that a burst of other work on the
            // machine does not land on one of them only.
            List<List<Figures>> samples = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                samples.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < servers.size(); i++) {
                    samples.get(2 * i).add(measure(servers.get(i), 1, size));
                    samples.get(2 * i + 1).add(measure(servers.get(i), clients, size));
                }
            }
            Figures[][] results = new Figures[2][2];
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
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()))) {
            channel.write(ByteBuffer.wrap(("GET " + server.path() + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
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

    private static Server startNginx(Path work, Path file, int workers, List<Process> started) throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        if (!Files.isExecutable(nginx)) {
            System.out.println("nginx is missing: installing Debian's package (apt-get install nginx)");
            run("apt-get", "update", "-qq");
            run("apt-get", "install", "-y", "-qq", "nginx");
        }
        int port = freePort();
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
                }
                """.formatted(workers, prefix, prefix, prefix, prefix, prefix, prefix, prefix, port, file.getParent()));
        Process process = new ProcessBuilder(nginx.toString(), "-p", prefix.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        started.add(process);
        awaitPort(port, process);
        return new Server("nginx", "/" + file.getFileName(), port, process.toHandle());
    }

    private static Server startPeerServer(Path file, int clients, List<Process> started) throws Exception {
        int port = freePort();
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), PeerServerProcess.class.getName(),
                file.toString(), String.valueOf(port), String.valueOf(clients))
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
        return new Server("peerlift (Vert.x)", "/peerlift/v1/apps/base-system/12.7.4/payload", port, process.toHandle());
    }

    private static void print(List<Server> servers, Figures[][] results, int clients, String nginxVersion) {
        System.out.printf("%n%-22s %24s %26s%n", "", "1 stream", clients + " concurrent clients");
        System.out.printf("%-22s %11s %12s %12s %13s%n", "server", "MiB/s", "CPU-s/GiB", "MiB/s", "CPU-s/GiB");
        for (int i = 0; i < servers.size(); i++) {
            String name = i == 0 ? nginxVersion : servers.get(i).name();
            System.out.printf("%-22s %11.0f %12.3f %12.0f %13.3f%n", name, results[i][0].mibPerSecond(),
                    results[i][0].cpuSecondsPerGib(), results[i][1].mibPerSecond(), results[i][1].cpuSecondsPerGib());
        }
        boolean allMet = true;
        System.out.printf("%-22s", "peerlift / nginx");
        for (int column = 0; column < 2; column++) {
            double throughput = results[1][column].mibPerSecond() / results[0][column].mibPerSecond();
            double cpu = results[1][column].cpuSecondsPerGib() / results[0][column].cpuSecondsPerGib();
            allMet &= throughput >= 0.9 && cpu <= 1.3;
            System.out.printf(" %10.2fx %11.2fx ", throughput, cpu);
        }
        System.out.printf("%n%ntargets: throughput >= 0.90x nginx, CPU per byte <= 1.30x nginx: %s%n",
                allMet ? "met" : "NOT met");
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
