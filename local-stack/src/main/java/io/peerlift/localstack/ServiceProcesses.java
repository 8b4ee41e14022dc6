package io.peerlift.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Peerlift's services as child JVMs, each started from its own Quarkus build ({@code <module>/target/quarkus-app})
 * with the given configuration, logging to its own file: how the demo, the benchmarks and the CLI's end-to-end test
 * run them.
 * Closing stops them all (gracefully, then forcibly), so nothing is left running.
 */
public final class ServiceProcesses implements AutoCloseable {

    /** One service to start: its module, HTTP port and system properties. */
    public record Service(String module, int httpPort, String maxHeap, Map<String, String> properties) {
        public String baseUrl() {
            return "http://127.0.0.1:" + httpPort;
        }
    }

    private final Path repoDir;
    private final Path logDir;
    /** Each service's log: {@code <module>.log}, and {@code <module>-<n>.log} for its n-th replica. */
    private final Map<Service, Path> logs = new HashMap<>();
    /** The process of each service, in start order (a restart keeps the service's place). */
    private final Map<Service, Process> running = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ServiceProcesses(Path repoDir, Path logDir) {
        this.repoDir = repoDir;
        this.logDir = logDir;
    }

    public void start(Service service) throws IOException {
        Path jar = repoDir.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first with ./mvnw -B install -DskipTests");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + service.maxHeap());
        // Out of heap, a service exits and is seen dead (as Kubernetes restarts it) instead of answering nothing.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Dquarkus.http.port=" + service.httpPort());
        service.properties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Path log = logs.computeIfAbsent(service, started -> {
            long replicas = logs.keySet().stream().filter(s -> s.module().equals(started.module())).count();
            return logDir.resolve(started.module() + (replicas == 0 ? "" : "-" + (replicas + 1)) + ".log");
        });
        Process process = new ProcessBuilder(command)
                .directory(repoDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())) // a restart goes on in the same log
                .start();
        running.put(service, process);
    }

    /**
     * Kills the service's process (SIGKILL: a crash, no shutdown hook runs), starts it again and waits until it is
     * ready (a fault to inject).
     */
    public void killAndRestart(Service service, Duration readyWithin) throws IOException, InterruptedException {
        kill(service);
        start(service);
        awaitReady(service, readyWithin);
    }

    /**
     * Kills the service's process (SIGKILL: a crash; its Kafka consumers do not leave their groups) and waits until it is gone. It
     * keeps its place in the start order, so that a restart is stopped where the first start would have been.
     */
    public void kill(Service service) throws InterruptedException {
        Process process = running.get(service);
        if (process == null) {
            throw new IllegalStateException(service.module() + " was not started here");
        }
        process.destroyForcibly().waitFor();
    }

    /** Whether every service started is still running. */
    public boolean allAlive() {
        return running.values().stream().allMatch(Process::isAlive);
    }

    /** Waits until the service reports ready on /q/health/ready, or fails naming its log. */
    public void awaitReady(Service service, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create(service.baseUrl() + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!allAlive()) {
                break;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service.module() + " did not become ready within " + timeout.toSeconds()
                + " s; see " + logs.get(service));
    }

    /**
     * Stops the services one by one in reverse start order, so that the fleet goes quiet before the services
     * that consume its events shut down.
     */
    @Override
    public void close() {
        List<Process> started = new ArrayList<>(running.values());
        for (int i = started.size() - 1; i >= 0; i--) {
            Process process = started.get(i);
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
    }
}
