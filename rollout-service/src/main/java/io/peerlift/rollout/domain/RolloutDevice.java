package io.peerlift.rollout.domain;

import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** One device in one rollout: the persisted {@link DeviceProgress}, in the subnet the device was last seen in. */
@Entity
@Table(name = "rollout_device")
public class RolloutDevice extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "rollout_device_ids")
    @SequenceGenerator(name = "rollout_device_ids", sequenceName = "rollout_device_id_seq", allocationSize = 50)
    public Long id;
    @Column(name = "rollout_id")
    public String rolloutId;
    @Column(name = "device_id")
    public String deviceId;
    /** Null until the device has announced itself: such a device cannot be scheduled yet. */
    public String subnet;
    @Enumerated(EnumType.STRING)
    public DeviceState state;
    @Column(name = "os_version")
    public String osVersion;
    public int attempts;
    @Column(name = "command_id")
    public UUID commandId;
    @Enumerated(EnumType.STRING)
    @Column(name = "command_policy")
    public SourcePolicy commandPolicy;
    @Enumerated(EnumType.STRING)
    public DownloadSource source;
    public int round;
    @Column(name = "commanded_at")
    public Instant commandedAt;
    @Column(name = "last_activity_at")
    public Instant lastActivityAt;
    @Column(name = "retry_at")
    public Instant retryAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "failure_reason")
    public String failureReason;
    @Column(name = "wan_bytes")
    public long wanBytes;
    @Column(name = "peer_bytes")
    public long peerBytes;
    @Column(name = "wan_downloads")
    public int wanDownloads;
    @Column(name = "peer_downloads")
    public int peerDownloads;
    @Column(name = "failed_attempts")
    public int failedAttempts;
    @Column(name = "transfer_millis")
    public Long transferMillis;
    @Column(name = "install_millis")
    public Long installMillis;
    @Column(name = "reboot_millis")
    public Long rebootMillis;
    @Column(name = "seed_expiry")
    public String seedExpiry;

    /** A device in a rollout. */
    public record Member(String rolloutId, String deviceId) {
    }

    public Member member() {
        return new Member(rolloutId, deviceId);
    }

    public RolloutSubnet.Key subnetKey() {
        return new RolloutSubnet.Key(rolloutId, subnet);
    }

    /** Which subnet a device's row of a rollout is counted in. */
    public record Place(String rolloutId, String deviceId, String subnet) {
        public RolloutSubnet.Key subnetKey() {
            return new RolloutSubnet.Key(rolloutId, subnet);
        }
    }

    /** The places of the devices' rows in the rollouts, read without locking: to know which subnets to lock. */
    public static List<Place> places(Collection<String> deviceIds, Collection<String> rolloutIds) {
        if (deviceIds.isEmpty() || rolloutIds.isEmpty()) {
            return List.of();
        }
        return find("select r.rolloutId, r.deviceId, r.subnet from RolloutDevice r where r.deviceId in ?1"
                + " and r.rolloutId in ?2", deviceIds, rolloutIds).project(Place.class).list();
    }

    /** The devices' rows in the rollouts, keyed by rollout and device id. */
    public static Map<Member, RolloutDevice> of(Collection<String> deviceIds, Collection<String> rolloutIds) {
        if (deviceIds.isEmpty() || rolloutIds.isEmpty()) {
            return Map.of();
        }
        return RolloutDevice.<RolloutDevice>list("deviceId in ?1 and rolloutId in ?2", deviceIds, rolloutIds).stream()
                .collect(Collectors.toMap(RolloutDevice::member, r -> r));
    }

    public static Optional<RolloutDevice> find(String rolloutId, String deviceId) {
        return find("rolloutId = ?1 and deviceId = ?2", rolloutId, deviceId).firstResultOptional();
    }

    /**
     * Pending devices of the subnet whose retry (if any) is due, the fewest attempts first, but for those whose
     * folders' maintenance window ({@link Device#maintenanceWindow}) is one of {@code closedWindows}.
     */
    public static List<RolloutDevice> ready(String rolloutId, String subnet, Instant now, int limit,
                                            Collection<String> closedWindows) {
        if (closedWindows.isEmpty()) {
            return find("rolloutId = ?1 and subnet = ?2 and state = ?3 and (retryAt is null or retryAt <= ?4)"
                    + " order by attempts, deviceId", rolloutId, subnet, DeviceState.PENDING, now)
                    .page(0, limit).list();
        }
        return find("rolloutId = ?1 and subnet = ?2 and state = ?3 and (retryAt is null or retryAt <= ?4)"
                        + " and deviceId not in (select d.deviceId from Device d where d.maintenanceWindow in ?5)"
                        + " order by attempts, deviceId", rolloutId, subnet, DeviceState.PENDING, now, closedWindows)
                .page(0, limit).list();
    }

    /** When the next retry of a pending device of the subnet falls due, null if none waits for one. */
    public static Instant nextRetry(String rolloutId, String subnet, Instant now) {
        return find("select min(r.retryAt) from RolloutDevice r where r.rolloutId = ?1 and r.subnet = ?2"
                        + " and r.state = ?3 and r.retryAt > ?4", rolloutId, subnet, DeviceState.PENDING, now)
                .project(Instant.class).firstResult();
    }

    /** Active devices of the rollout that have reported nothing since {@code silentSince}, by their subnet. */
    public static List<Place> silentSince(String rolloutId, Instant silentSince, int limit) {
        return find("select r.rolloutId, r.deviceId, r.subnet from RolloutDevice r where r.rolloutId = ?1"
                        + " and r.state in ?2 and r.lastActivityAt < ?3 order by r.lastActivityAt",
                rolloutId, DeviceState.ACTIVE, silentSince).project(Place.class).page(0, limit).list();
    }

    /**
     * WAN seeds of the rollout that upgraded before {@code upgradedBefore}, still count as their subnet's seed and
     * do not serve the rollout's manifest now, by their subnet.
     */
    @SuppressWarnings("unchecked")
    public static List<Place> idleSeeds(String rolloutId, String manifestSha256, Instant upgradedBefore, int limit) {
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        select r.rollout_id, r.device_id, r.subnet from rollout_device r
                        join device d on d.device_id = r.device_id
                        where r.rollout_id = ?1 and r.command_policy = 'WAN_SEED' and r.state = 'UPGRADED'
                        and r.seed_expiry is null and r.finished_at < ?3
                        and not (cast(?2 as varchar) = any(d.served))
                        order by r.finished_at limit ?4""")
                .setParameter(1, rolloutId)
                .setParameter(2, manifestSha256)
                .setParameter(3, upgradedBefore)
                .setParameter(4, limit)
                .getResultList();
        return rows.stream().map(row -> new Place((String) row[0], (String) row[1], (String) row[2])).toList();
    }

    /** The rows of a subnet in {@code states}; {@code subnet} null for the members without one. */
    public static List<RolloutDevice> inSubnet(String rolloutId, String subnet, Collection<DeviceState> states) {
        return subnet == null
                ? list("rolloutId = ?1 and subnet is null and state in ?2 order by deviceId", rolloutId, states)
                : list("rolloutId = ?1 and subnet = ?2 and state in ?3 order by deviceId", rolloutId, subnet, states);
    }

    /** A page of the rollout's devices in id order after {@code afterId}, in {@code states}. */
    /** Devices of the rollout in {@code states} and {@code subnet} (null: any), in id order after {@code afterId}. */
    public static List<RolloutDevice> page(String rolloutId, Collection<DeviceState> states, String subnet,
                                           String afterId, int limit) {
        String after = afterId == null ? "" : afterId;
        return (subnet == null
                ? find("rolloutId = ?1 and state in ?2 and deviceId > ?3 order by deviceId", rolloutId, states, after)
                : find("rolloutId = ?1 and state in ?2 and subnet = ?3 and deviceId > ?4 order by deviceId",
                rolloutId, states, subnet, after)).page(0, limit).list();
    }

    /** Medians of what the devices of the subnets measured: transfer, install and reboot, in milliseconds. */
    public record Medians(Long transferMillis, Long installMillis, Long rebootMillis) {
        public static final Medians NONE = new Medians(null, null, null);
    }

    public static Map<String, Medians> medians(String rolloutId, Collection<String> subnets) {
        if (subnets.isEmpty()) {
            return Map.of();
        }
        List<?> rows = getEntityManager().createNativeQuery("""
                        select subnet,
                               percentile_disc(0.5) within group (order by transfer_millis),
                               percentile_disc(0.5) within group (order by install_millis),
                               percentile_disc(0.5) within group (order by reboot_millis)
                        from rollout_device where rollout_id = ?1 and subnet in (?2) group by subnet""")
                .setParameter(1, rolloutId)
                .setParameter(2, subnets)
                .getResultList();
        return rows.stream().map(row -> (Object[]) row).collect(Collectors.toMap(row -> (String) row[0],
                row -> new Medians(asLong(row[1]), asLong(row[2]), asLong(row[3]))));
    }

    private static Long asLong(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    public static RolloutDevice join(String rolloutId, String deviceId, String subnet, DeviceProgress progress) {
        RolloutDevice row = new RolloutDevice();
        row.rolloutId = rolloutId;
        row.deviceId = deviceId;
        row.subnet = subnet;
        row.set(progress);
        return row;
    }

    public DeviceProgress progress() {
        return new DeviceProgress(state, attempts, commandId, commandPolicy, source, round, osVersion, commandedAt,
                lastActivityAt, retryAt, finishedAt, failureReason, wanBytes, peerBytes, wanDownloads, peerDownloads,
                failedAttempts, transferMillis, installMillis, rebootMillis, seedExpiry);
    }

    public void set(DeviceProgress p) {
        state = p.state();
        attempts = p.attempts();
        commandId = p.commandId();
        commandPolicy = p.commandPolicy();
        source = p.source();
        round = p.round();
        osVersion = p.osVersion();
        commandedAt = p.commandedAt();
        lastActivityAt = p.lastActivityAt();
        retryAt = p.retryAt();
        finishedAt = p.finishedAt();
        failureReason = p.failureReason();
        wanBytes = p.wanBytes();
        peerBytes = p.peerBytes();
        wanDownloads = p.wanDownloads();
        peerDownloads = p.peerDownloads();
        failedAttempts = p.failedAttempts();
        transferMillis = p.transferMillis();
        installMillis = p.installMillis();
        rebootMillis = p.rebootMillis();
        seedExpiry = p.seedExpiry();
    }
}
