package io.peerlift.rollout.domain;

import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
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
    /** The folder ids from the root down to the device's folder. */
    @Column(name = "folder_path")
    public Long[] folderPath;
    @Column(name = "os_family")
    public String osFamily;
    @Column(name = "config_revision")
    public long configRevision = -1;
    /**
     * Where the last applied event stands, (epoch, seq): only an event that {@link DeviceEvent#follows follows} it
     * changes anything; a duplicate, a stale one or one of an older incarnation does not.
     */
    @Column(name = "last_seq")
    public long lastSeq = -1;
    @Column(name = "last_epoch")
    public long lastEpoch;
    @Column(name = "peer_running")
    public boolean peerRunning;
    @Column(name = "peer_port")
    public int peerPort;
    @Column(name = "peer_capacity")
    public int peerCapacity;
    /** The port of the device's HTTPS peer update server beside {@link #peerPort}, 0 while it serves no HTTPS. */
    @Column(name = "https_port")
    public int httpsPort;
    /** Why HTTPS does not run although the device's profile enables it, null when it runs or is not enabled. */
    @Column(name = "https_down")
    public String httpsDown;
    /** The upload capacity the device last reported with its peer server, 0 when not capped or not reported. */
    @Column(name = "upload_bytes_per_second")
    public long uploadBytesPerSecond;
    /** The AppRefs the device holds, as JSON. */
    @Column(columnDefinition = "text")
    public String apps = "[]";
    /** The manifests the device serves right now: those it holds while its peer server runs. */
    public String[] served = new String[0];
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** When the service last received an event of the device: a peer silent for too long is expired. */
    @Column(name = "last_event_at")
    public Instant lastEventAt;
    /** Since when the device no longer counts as a peer because it fell silent; null while it is heard from. */
    @Column(name = "peer_expired_at")
    public Instant peerExpiredAt;
    /** When the device last stopped serving a manifest it served while it was heard from (a restart, say). */
    @Column(name = "stopped_serving_at")
    public Instant stoppedServingAt;
    /**
     * The maintenance window its folders give it ({@link DeviceConfig#maintenanceWindow()}) as JSON, null when none
     * applies: no new Upgrade outside it.
     */
    @Column(name = "maintenance_window")
    public String maintenanceWindow;

    /**
     * The devices locked for this transaction, in id order (so that concurrent transactions never deadlock),
     * those not known yet created.
     */
    public static Map<String, Device> lockOrCreate(Collection<String> deviceIds, Instant now) {
        Map<String, Device> devices = lock(deviceIds);
        List<String> missing = deviceIds.stream().filter(id -> !devices.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            // Events and configs of a new device arrive on two channels at once: whichever inserts it first wins.
            for (String id : missing) {
                getEntityManager().createNativeQuery("""
                                insert into device (device_id, config_revision, last_seq, peer_running, peer_port,
                                                    peer_capacity, apps, served, updated_at)
                                values (?1, -1, -1, false, 0, 0, '[]', '{}', ?2) on conflict (device_id) do nothing""")
                        .setParameter(1, id)
                        .setParameter(2, now)
                        .executeUpdate();
            }
            devices.putAll(lock(missing));
        }
        return devices;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Device> lock(Collection<String> deviceIds) {
        // A native locking query: the rows are read as they are once locked, never from before the wait.
        List<Device> locked = getEntityManager()
                .createNativeQuery("select * from device where device_id in (:ids) order by device_id for update",
                        Device.class)
                .setParameter("ids", deviceIds)
                .getResultList();
        return locked.stream().collect(Collectors.toMap(d -> d.deviceId, Function.identity()));
    }

    /** The devices of a subnet that serve a manifest right now, their upload slots, and how many serve HTTPS too. */
    public record Peers(int count, int slots, int https) {
    }

    /** No device serves the manifest. */
    public static final Peers NO_PEERS = new Peers(0, 0, 0);

    /** {@link #peersOf} for several subnets in one query; a subnet without peers maps to none. */
    public static Map<String, Peers> peersOf(Collection<String> subnets, String manifestSha256) {
        if (subnets.isEmpty()) {
            return Map.of();
        }
        List<?> rows = getEntityManager().createNativeQuery("""
                        select subnet, count(*), coalesce(sum(peer_capacity), 0), count(*) filter (where https_port > 0)
                        from device where subnet in (?1) and cast(?2 as varchar) = any(served) group by subnet""")
                .setParameter(1, subnets)
                .setParameter(2, manifestSha256)
                .getResultList();
        Map<String, Peers> peers = new HashMap<>();
        for (Object found : rows) {
            Object[] row = (Object[]) found;
            peers.put((String) row[0], new Peers(((Number) row[1]).intValue(), ((Number) row[2]).intValue(),
                    ((Number) row[3]).intValue()));
        }
        return peers;
    }

    public static Peers peersOf(String subnet, String manifestSha256) {
        return peersOf(List.of(subnet), manifestSha256).getOrDefault(subnet, NO_PEERS);
    }

    /**
     * Per subnet, the median upload capacity its devices reported (u of {@link io.peerlift.events.SwarmBound});
     * a subnet where no device reported a cap has no entry.
     */
    public static Map<String, Long> medianUploadCapacity(Collection<String> subnets) {
        if (subnets.isEmpty()) {
            return Map.of();
        }
        List<?> rows = getEntityManager().createNativeQuery("""
                        select subnet, percentile_disc(0.5) within group (order by upload_bytes_per_second)
                        from device where subnet in (?1) and upload_bytes_per_second > 0 group by subnet""")
                .setParameter(1, subnets)
                .getResultList();
        return rows.stream().map(row -> (Object[]) row).collect(Collectors.toMap(row -> (String) row[0],
                row -> ((Number) row[1]).longValue()));
    }

    /** The devices of a subnet that hold a manifest but stopped serving it since a moment, and the latest stop. */
    public record Restarting(int count, Instant latestStop) {
    }

    /**
     * The devices of a subnet that hold the manifest, are heard from, but stopped serving it at {@code since} or
     * later: most are restarting (a restart announces "not running" just before the server is up again, a new
     * configuration restarts the server), so the subnet is not peerless yet.
     */
    public static Restarting restartingPeersOf(String subnet, String manifestSha256, Instant since) {
        Object[] row = getEntityManager().createQuery("""
                        select count(d), max(d.stoppedServingAt) from Device d
                        where d.subnet = ?1 and d.stoppedServingAt >= ?3 and d.peerExpiredAt is null
                        and not array_contains(d.served, ?2) and locate(?2, d.apps) > 0""", Object[].class)
                .setParameter(1, subnet)
                .setParameter(2, manifestSha256)
                .setParameter(3, since)
                .getSingleResult();
        return new Restarting(((Number) row[0]).intValue(), (Instant) row[1]);
    }

    /**
     * A page of the devices in a folder's tree, in id order after {@code afterId} (null: from the start). With
     * {@code lockForShare} they are locked for share, so that a concurrent change of one of them is either seen
     * here or sees what the caller does with them.
     */
    public static List<Device> inFolderTree(long folderId, String afterId, int limit, boolean lockForShare) {
        return getEntityManager().createNativeQuery("""
                        select * from device where folder_path @> array[cast(?1 as bigint)] and device_id > ?2
                        order by device_id limit ?3""" + (lockForShare ? " for share" : ""), Device.class)
                .setParameter(1, folderId)
                .setParameter(2, afterId == null ? "" : afterId)
                .setParameter(3, limit)
                .getResultList();
    }

    /** Devices of a folder's tree that a rollout has no row for: members a race with its take-in left out. */
    public static List<Device> inFolderTreeOutside(String rolloutId, long folderId, int limit) {
        return getEntityManager().createNativeQuery("""
                        select * from device d where folder_path @> array[cast(?1 as bigint)]
                        and not exists (select 1 from rollout_device r where r.rollout_id = ?2
                                        and r.device_id = d.device_id)
                        order by device_id limit ?3 for share""", Device.class)
                .setParameter(1, folderId)
                .setParameter(2, rolloutId)
                .setParameter(3, limit)
                .getResultList();
    }

    /** The devices of a subnet that wait for a rollout under one maintenance window of their folders. */
    public record PendingUnderWindow(String window, int devices) {
    }

    /** The distinct folder windows of the rollout's pending devices in the subnet, with how many wait under each. */
    @SuppressWarnings("unchecked")
    public static List<PendingUnderWindow> windowsOfPending(String rolloutId, String subnet) {
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        select d.maintenance_window, count(*) from rollout_device r
                        join device d on d.device_id = r.device_id
                        where r.rollout_id = ?1 and r.subnet = ?2 and r.state = 'PENDING'
                        and d.maintenance_window is not null group by d.maintenance_window""")
                .setParameter(1, rolloutId)
                .setParameter(2, subnet)
                .getResultList();
        return rows.stream().map(row -> new PendingUnderWindow((String) row[0], ((Number) row[1]).intValue()))
                .toList();
    }

    /** What applying an event or a config changed, for what depends on it. */
    public record Change(String previousSubnet, boolean servingChanged, boolean versionChanged, boolean folderChanged,
                         boolean windowChanged) {

        public boolean subnetChanged(Device device) {
            return !Objects.equals(previousSubnet, device.subnet);
        }
    }

    /** Applies an event the caller checked follows ({@link #lastEpoch}, {@link #lastSeq}). */
    public Change apply(DeviceEvent event, Instant now) {
        String previousSubnet = subnet;
        String previousVersion = osVersion;
        int previousCapacity = peerCapacity;
        int previousHttpsPort = httpsPort;
        String[] previousServed = served;
        subnet = event.subnet();
        lastSeq = event.seq();
        lastEpoch = event.epoch();
        updatedAt = now;
        lastEventAt = now;
        peerExpiredAt = null;
        if (event instanceof DeviceEvent.DeviceAnnounced e) {
            ip = e.ip();
            osVersion = e.osVersion();
            apps = EventCodec.encode(e.apps());
            if (e.peerServer() != null) {
                peerRunning = e.peerServer().running();
                peerPort = e.peerServer().port();
                peerCapacity = e.peerServer().capacity();
                httpsPort = e.peerServer().httpsPort();
                httpsDown = e.peerServer().httpsDown();
                if (e.peerServer().running()) {
                    uploadBytesPerSecond = e.peerServer().uploadBytesPerSecond();
                }
            }
        } else if (event instanceof DeviceEvent.PeerServerStarted e) {
            ip = e.ip();
            peerRunning = true;
            peerPort = e.port();
            peerCapacity = e.capacity();
            uploadBytesPerSecond = e.uploadBytesPerSecond();
            httpsPort = e.httpsPort();
            httpsDown = e.httpsDown();
            apps = EventCodec.encode(e.apps());
        } else if (event instanceof DeviceEvent.PeerServerStopped) {
            peerRunning = false;
            httpsPort = 0; // HTTPS stops with the peer server
            httpsDown = null;
        } else if (event instanceof DeviceEvent.UpgradeCompleted e) {
            osVersion = e.newOsVersion();
        }
        // Download and discovery events change the rollout's view of the device, not the inventory.
        served = peerRunning ? heldApps().stream().map(AppRef::manifestSha256).filter(Objects::nonNull).distinct()
                .sorted().toArray(String[]::new) : new String[0];
        if (!Arrays.asList(served).containsAll(Arrays.asList(previousServed))) {
            stoppedServingAt = now;
        }
        boolean servingChanged = !Arrays.equals(previousServed, served)
                || served.length > 0 && (previousCapacity != peerCapacity || previousHttpsPort != httpsPort);
        return new Change(previousSubnet, servingChanged, !Objects.equals(previousVersion, osVersion), false, false);
    }

    /**
     * Devices that serve something and have sent no event since {@code silentSince}, in id order, locked (those
     * another transaction holds are left for the next sweep).
     */
    @SuppressWarnings("unchecked")
    public static List<Device> silentPeers(Instant silentSince, int limit) {
        return getEntityManager().createNativeQuery("""
                        select * from device where cardinality(served) > 0 and last_event_at < ?1
                        order by device_id limit ?2 for update skip locked""", Device.class)
                .setParameter(1, silentSince)
                .setParameter(2, limit)
                .getResultList();
    }

    /** The device fell silent: it serves nothing until its next event says what it serves. */
    public void expirePeer(Instant now) {
        served = new String[0];
        peerExpiredAt = now;
        updatedAt = now;
    }

    /** Whether the device serves the manifest right now. */
    public boolean serves(String manifestSha256) {
        return Arrays.asList(served).contains(manifestSha256);
    }

    /** Applies a config the caller checked is newer than {@link #configRevision}. */
    public Change apply(DeviceConfig config, Instant now) {
        Long[] previousPath = folderPath;
        String previousVersion = osVersion;
        String previousWindow = maintenanceWindow;
        configRevision = config.revision();
        maintenanceWindow = config.maintenanceWindow() == null ? null : EventCodec.encode(config.maintenanceWindow());
        folderId = config.folderId();
        folderPath = config.folderPath().toArray(Long[]::new);
        osFamily = config.osFamily() == null ? null : config.osFamily().name();
        if (osVersion == null) {
            // The device's own events are the truth about its version; the config only fills the gap.
            osVersion = config.osVersion();
        }
        updatedAt = now;
        return new Change(subnet, false, !Objects.equals(previousVersion, osVersion),
                !Arrays.equals(previousPath, folderPath), !Objects.equals(previousWindow, maintenanceWindow));
    }

    /**
     * The device was deleted from the inventory (its config's tombstone): it belongs to no folder any more, so
     * no rollout takes it in. Its revision stays, so that a config published before the deletion is still old.
     */
    public Change remove(Instant now) {
        boolean wasInFolder = folderPath != null && folderPath.length > 0;
        boolean hadWindow = maintenanceWindow != null;
        folderId = null;
        folderPath = new Long[0];
        maintenanceWindow = null;
        updatedAt = now;
        return new Change(subnet, false, false, wasInFolder, hadWindow);
    }

    public boolean isInFolderTree(long folder) {
        return folderPath != null && Arrays.asList(folderPath).contains(folder);
    }

    public List<AppRef> heldApps() {
        return Arrays.asList(EventCodec.decode(apps, AppRef[].class));
    }
}
