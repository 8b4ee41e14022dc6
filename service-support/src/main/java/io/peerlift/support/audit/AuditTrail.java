package io.peerlift.support.audit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's audit trail, table {@code audit_entry} of its own database (each service's Flyway schema creates
 * it). Written in the transaction of the change it records, so a change and its entry commit or roll back together.
 */
@ApplicationScoped
@IfBuildProperty(name = "peerlift.audit.enabled", stringValue = "true")
public class AuditTrail {

    static final int MAX_TARGET_LENGTH = 2048;

    private final AgroalDataSource dataSource;

    public AuditTrail(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void record(String subject, String name, String roles, String method, String target) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("insert into audit_entry "
                     + "(occurred_at, subject, name, roles, method, target) values (?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(Instant.now()));
            insert.setString(2, subject);
            insert.setString(3, name);
            insert.setString(4, roles);
            insert.setString(5, method);
            insert.setString(6, target.length() <= MAX_TARGET_LENGTH ? target
                    : target.substring(0, MAX_TARGET_LENGTH - 3) + "...");
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the change in the audit trail: " + e.getMessage(), e);
        }
    }

    public AuditPage page(int page, int size) {
        try (Connection connection = dataSource.getConnection()) {
            long total;
            try (PreparedStatement count = connection.prepareStatement("select count(*) from audit_entry");
                 ResultSet rows = count.executeQuery()) {
                rows.next();
                total = rows.getLong(1);
            }
            List<AuditEntry> entries = new ArrayList<>(size);
            try (PreparedStatement select = connection.prepareStatement("select id, occurred_at, subject, name, roles,"
                    + " method, target from audit_entry order by id desc limit ? offset ?")) {
                select.setInt(1, size);
                select.setLong(2, (long) page * size);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new AuditEntry(rows.getLong(1), rows.getTimestamp(2).toInstant(),
                                rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6),
                                rows.getString(7)));
                    }
                }
            }
            return new AuditPage(page, size, total, entries);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }
}
