package io.peerlift.profile;

import io.peerlift.localstack.LocalStack;
import io.peerlift.localstack.LocalStackTestResource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema migration to IGEL's key names, run by Flyway on a scratch database of the real PostgreSQL: a
 * profile saved under the old keys keeps its values under the new ones, and its other keys stay as they were.
 */
class SettingKeysMigrationTest {

    @Test
    void profilesSavedUnderTheOldKeysKeepTheirValuesUnderIgelsNames() throws SQLException {
        LocalStack stack = LocalStackTestResource.shared();
        String database = "migration_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(stack.jdbcUrl("profile"), "postgres", "postgres");
             Statement statement = admin.createStatement()) {
            statement.execute("create database " + database);
        }
        String url = stack.jdbcUrl(database);
        flyway(url, "1").migrate();
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into profile (name, os_family, based_on_version, priority, settings, created_at, updated_at)
                    values ('peers', 'OS12', '12.7.4', false, '{"update.discovery.port": 22336,
                        "update.peer_server.enabled": true, "update.peer_server.port": 22400,
                        "update.peer_server.limit_of_connections": 3}', now(), now())""");

            flyway(url, "latest").migrate();

            ResultSet row = statement.executeQuery("""
                    select settings = '{"update.discovery.port": 22336, "peerlift.buddy_server.enabled": true,
                        "peerlift.buddy_server.port": 22400, "update.buddy_server.limit_of_connections": 3}'::jsonb,
                        settings::text
                    from profile where name = 'peers'""");
            assertThat(row.next()).isTrue();
            assertThat(row.getBoolean(1)).as(row.getString(2)).isTrue();
            ResultSet version = statement.executeQuery("select version from settings_schema_state");
            assertThat(version.next()).isTrue();
            assertThat(version.getInt(1)).as("configurations not yet republished under the new keys").isEqualTo(1);
        }
    }

    private static Flyway flyway(String url, String target) {
        return Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/migration")
                .target(target).load();
    }
}
