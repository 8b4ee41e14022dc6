package io.peerlift.rollout.domain;

import io.peerlift.events.AppRef;
import io.peerlift.events.EventCodec;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The inventory: what device events and configs say about a device, whichever folder it is in. Peers are
 * found here, since a device outside the rollout's folder serves its subnet just as well.
 */
@Entity
@Table(name = "device")
public class Device extends PanacheEntityBase {

    @Id
    @Column(name = "device_id")
    public String deviceId;
    public String subnet;
    public String ip;
    @Column(name = "os_version")
    public String osVersion;
    @Column(name = "folder_id")
    public Long folderId;
    @Column(name = "folder_path")
    public String folderPath;
    @Column(name = "os_family")
    public String osFamily;
    @Column(name = "config_revision")
    public long configRevision = -1;
    /** The highest event seq applied: an event at or below it is a duplicate or stale and changes nothing. */
    @Column(name = "last_seq")
    public long lastSeq = -1;
    @Column(name = "peer_running")
    public boolean peerRunning;
    @Column(name = "peer_port")
    public int peerPort;
    @Column(name = "peer_capacity")
    public int peerCapacity;
    @Column(columnDefinition = "text")
    public String apps = "[]";
    @Column(name = "updated_at")
    public Instant updatedAt;

    /** The device's row locked for this transaction, created if it is new. */
    public static Device lockOrCreate(String deviceId) {
        Device device = findById(deviceId, LockModeType.PESSIMISTIC_WRITE);
        if (device == null) {
            getEntityManager().createNativeQuery("""
                            insert into device (device_id, config_revision, last_seq, peer_running, peer_port,
                                                peer_capacity, apps, updated_at)
                            values (?1, -1, -1, false, 0, 0, '[]', now()) on conflict (device_id) do nothing""")
                    .setParameter(1, deviceId)
                    .executeUpdate();
            device = findById(deviceId, LockModeType.PESSIMISTIC_WRITE);
        }
        return device;
    }

    public static List<Device> inSubnet(String subnet) {
        return list("subnet", subnet);
    }

    public static List<Device> inFolderTree(long folderId) {
        return list("folderPath like ?1", "%/" + folderId + "/%");
    }

    /** Devices of the rollout's folder tree that the rollout has no row for yet. */
    public static List<Device> inFolderTreeOutside(String rolloutId, long folderId) {
        return list("folderPath like ?1 and deviceId not in (select r.deviceId from RolloutDevice r where r.rolloutId = ?2)",
                "%/" + folderId + "/%", rolloutId);
    }

    public static String encodeFolderPath(List<Long> path) {
        return path.stream().map(String::valueOf).collect(Collectors.joining("/", "/", "/"));
    }

    public boolean isInFolderTree(long folder) {
        return folderPath != null && Arrays.asList(folderPath.split("/")).contains(Long.toString(folder));
    }

    public List<AppRef> heldApps() {
        return Arrays.asList(EventCodec.decode(apps, AppRef[].class));
    }

    public void holdApps(List<AppRef> held) {
        apps = EventCodec.encode(held);
    }

    /** Serves {@code app version} with the given manifest to its subnet right now. */
    public boolean serves(String app, String version, String manifestSha256) {
        return peerRunning && heldApps().stream().anyMatch(ref -> ref.app().equals(app)
                && ref.version().equals(version)
                && (ref.manifestSha256() == null || ref.manifestSha256().equals(manifestSha256)));
    }
}
