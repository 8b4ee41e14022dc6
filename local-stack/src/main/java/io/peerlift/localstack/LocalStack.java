package io.peerlift.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Kafka and PostgreSQL, real servers, started in this JVM: what the services' tests run against and what the
 * demo runs on. {@link #main} starts both, prints how to reach them (and writes them as a properties file
 * when asked), and stops them on Ctrl-C.
 */
public final class LocalStack implements AutoCloseable {

    private final LocalKafka kafka;
    private final LocalPostgres postgres;
    private final Path dataDir;

    private LocalStack(Path dataDir, int kafkaPort, int postgresPort) {
        this.dataDir = dataDir;
        this.kafka = new LocalKafka(dataDir, kafkaPort);
        this.postgres = new LocalPostgres(dataDir, postgresPort);
    }

    /** Starts both servers on the given ports (0 picks free ones) with their data under {@code dataDir}. */
    public static LocalStack start(Path dataDir, int kafkaPort, int postgresPort) throws IOException {
        LocalStack stack = new LocalStack(dataDir, kafkaPort, postgresPort);
        try {
            stack.postgres.start();
            stack.kafka.start();
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    public static LocalStack startInTempDir() throws IOException {
        return start(Files.createTempDirectory("peerlift-stack-"), 0, 0);
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String jdbcUrl(String database) {
        return postgres.jdbcUrl(database);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The Quarkus configuration that points a service at this stack; {@code database} may be null. */
    public Map<String, String> quarkusConfig(String database) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafkaBootstrapServers());
        if (database != null) {
            config.put("quarkus.datasource.jdbc.url", jdbcUrl(database));
            config.put("quarkus.datasource.username", LocalPostgres.USER);
            config.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        }
        return config;
    }

    /** The addresses as environment-variable style properties, one per line, for scripts. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        lines.add("KAFKA_BOOTSTRAP_SERVERS=" + kafkaBootstrapServers());
        lines.add("POSTGRES_PORT=" + postgres.port());
        for (String database : LocalPostgres.DATABASES) {
            lines.add(database.toUpperCase() + "_JDBC_URL=" + jdbcUrl(database));
        }
        lines.add("POSTGRES_USER=" + LocalPostgres.USER);
        lines.add("POSTGRES_PASSWORD=" + LocalPostgres.PASSWORD);
        return String.join("\n", lines) + "\n";
    }

    /** A broker restart (a fault to inject): the broker stops, stays away for {@code down}, and starts again. */
    public void restartKafka(Duration down) throws IOException, InterruptedException {
        kafka.close();
        Thread.sleep(down.toMillis());
        kafka.start();
    }

    /** PostgreSQL refuses every connection for {@code period} (a fault to inject), then takes them again. */
    public void refuseDatabaseConnections(Duration period) throws IOException, InterruptedException {
        postgres.refuseConnections(true);
        try {
            Thread.sleep(period.toMillis());
        } finally {
            postgres.refuseConnections(false);
        }
    }

    /** PostgreSQL first: it is a separate process that must not outlive us, whatever the broker does. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            kafka.close();
        }
    }

    /**
     * {@code LocalStack [--data-dir DIR] [--kafka-port N] [--postgres-port N] [--env-file FILE]}.
     * The env file is written only once both servers accept connections, so a script can wait for it.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path dataDir = options.containsKey("--data-dir") ? Path.of(options.get("--data-dir"))
                : Files.createTempDirectory("peerlift-stack-");
        Files.createDirectories(dataDir);
        LocalStack stack = start(dataDir, Integer.parseInt(options.getOrDefault("--kafka-port", "0")),
                Integer.parseInt(options.getOrDefault("--postgres-port", "0")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        String description = stack.describe();
        if (options.containsKey("--env-file")) {
            Path envFile = Path.of(options.get("--env-file"));
            Path partial = envFile.resolveSibling(envFile.getFileName() + ".tmp");
            Files.writeString(partial, description, StandardCharsets.UTF_8);
            Files.move(partial, envFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.print("Peerlift local stack is up (data in " + dataDir + "):\n" + description);
        System.out.flush();
        stopped.await();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!List.of("--data-dir", "--kafka-port", "--postgres-port", "--env-file").contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: LocalStack [--data-dir DIR] [--kafka-port N] [--postgres-port N]"
                        + " [--env-file FILE]; could not use '" + name + "'");
            }
            options.put(name, args[++i]);
        }
        return options;
    }
}
