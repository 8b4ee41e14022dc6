package io.peerlift.localstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** The declared lengths of a database's text columns, for tests that hold a Flyway schema to the shared limits. */
public final class SchemaColumns {

    private SchemaColumns() {
    }

    /** {@code table.column} to its maximum length (null for unbounded text) of every character column. */
    public static Map<String, Integer> characterColumns(String jdbcUrl) throws SQLException {
        Map<String, Integer> columns = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select table_name, column_name, character_maximum_length "
                     + "from information_schema.columns where table_schema = 'public' "
                     + "and data_type in ('character varying', 'text', 'character')")) {
            while (rows.next()) {
                int length = rows.getInt(3);
                columns.put(rows.getString(1) + "." + rows.getString(2), rows.wasNull() ? null : length);
            }
        }
        return columns;
    }
}
