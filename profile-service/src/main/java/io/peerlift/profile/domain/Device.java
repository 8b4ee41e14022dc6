package io.peerlift.profile.domain;

import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

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

    /** Where the last applied event stands, (epoch, seq): only an event that follows it changes anything. */
    @Column(name = "last_seq", nullable = false)
    public long lastSeq;

    @Column(name = "last_epoch", nullable = false)
    public long lastEpoch;

    @Version
    public long version;

    /** The OS versions of those of the devices the inventory knows, read without a lock. */
    public static Map<String, String> versions(Collection<String> ids) {
        return find("select d.id, d.osVersion from Device d where d.id in ?1", ids).project(IdAndVersion.class)
                .stream().collect(Collectors.toMap(IdAndVersion::id, IdAndVersion::osVersion));
    }

    /** A device's id and OS version. */
    public record IdAndVersion(String id, String osVersion) {
    }

    /**
     * The devices the inventory knows among {@code ids}, locked for this transaction in id order (so that
     * concurrent transactions never deadlock). A native locking query: rows are read as they are once locked.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Device> lock(Collection<String> ids) {
        List<Device> locked = getEntityManager()
                .createNativeQuery("select * from device where id in (:ids) order by id for update", Device.class)
                .setParameter("ids", ids)
                .getResultList();
        return locked.stream().collect(Collectors.toMap(d -> d.id, Function.identity(), (a, b) -> a, HashMap::new));
    }

    public OsVersion os() {
        return OsVersion.parse(osVersion);
    }

    public OsFamily osFamily() {
        return os().family();
    }
}
