package io.peerlift.profile.domain;

import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

import java.time.Instant;

/**
 * A device of the inventory, known from its {@code DeviceAnnounced} events. Optimistically locked, since the
 * event consumer (heartbeats) and operators (moves) change the same rows concurrently.
 */
@Entity
public class Device extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "folder_id", nullable = false)
    public long folderId;

    @Column(nullable = false)
    public String ip;

    @Column(nullable = false)
    public String subnet;

    @Column(name = "os_version", nullable = false)
    public String osVersion;

    @Column(name = "last_seen", nullable = false)
    public Instant lastSeen;

    @Column(name = "last_seq", nullable = false)
    public long lastSeq;

    @Version
    public long version;

    public OsVersion os() {
        return OsVersion.parse(osVersion);
    }

    public OsFamily osFamily() {
        return os().family();
    }
}
