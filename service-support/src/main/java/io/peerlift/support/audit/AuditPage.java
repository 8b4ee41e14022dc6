package io.peerlift.support.audit;

import java.util.List;

/** A page of the audit trail, newest first. */
public record AuditPage(int page, int size, long total, List<AuditEntry> entries) {
}
