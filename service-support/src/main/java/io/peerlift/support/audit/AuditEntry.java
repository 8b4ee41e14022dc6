package io.peerlift.support.audit;

import java.time.Instant;

/**
 * One change: who made it (the token's subject, and the name it goes by), with which roles, what (the HTTP method
 * and the path with its query) and when.
 */
public record AuditEntry(long id, Instant at, String subject, String name, String roles, String method,
                         String target) {
}
