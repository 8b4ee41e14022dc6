package io.peerlift.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * A real PostgreSQL server (the zonky embedded binaries) on loopback, with one database per service that
 * persists, as on Kubernetes where each service has its own cluster.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    /** The databases of the services that persist state. */
    public static final List<String> DATABASES = List.of("profile", "rollout");

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    public LocalPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? FreePorts.pick() : port;
    }

    public LocalPostgres start() throws IOException {
        Path pgData = Files.createDirectories(dataDir.resolve("pgdata"));
        postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(pgData)
                .setCleanDataDirectory(true)
                .setOverrideWorkingDirectory(Files.createDirectories(dataDir.resolve("pg-bin")).toFile())
                .setServerConfig("max_connections", "200")
                .setServerConfig("fsync", "off")
                .start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            for (String database : DATABASES) {
                try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                    if (!exists.next()) {
                        statement.execute("CREATE DATABASE " + database);
                    }
                }
            }
            statement.execute("ALTER USER " + USER + " WITH PASSWORD '" + PASSWORD + "'");
        } catch (SQLException e) {
            throw new IOException("cannot prepare the local PostgreSQL databases", e);
        }
        return this;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * Makes the server refuse (or take again) connections to the services' databases; refusing also ends the open
     * ones, as a restarting or unreachable server would.
     */
    public void refuseConnections(boolean refuse) throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            for (String database : DATABASES) {
                statement.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS " + !refuse);
                if (refuse) {
                    statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                            + database + "'");
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot change whether PostgreSQL takes connections", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
