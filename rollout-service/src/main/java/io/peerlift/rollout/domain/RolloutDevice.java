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
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One device in one rollout. */
@Entity
@Table(name = "rollout_device")
public class RolloutDevice extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
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
    /** The source policy of the latest Upgrade: WAN_SEED, or the rollout's own policy. */
    @Enumerated(EnumType.STRING)
    @Column(name = "command_policy")
    public SourcePolicy commandPolicy;
    /** Where the latest download came from, as the device reported. */
    @Enumerated(EnumType.STRING)
    public DownloadSource source;
    /** Upgrade commands sent so far; the next one carries attempts + 1. */
    public int attempts;
    /** The download round of the latest download: one more than the round of the peer it came from. */
    public int round;
    @Column(name = "commanded_at")
    public Instant commandedAt;
    @Column(name = "last_activity_at")
    public Instant lastActivityAt;
    /** A failed device waits in PENDING until then before it is commanded again. */
    @Column(name = "retry_at")
    public Instant retryAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "wan_bytes")
    public long wanBytes;
    @Column(name = "peer_bytes")
    public long peerBytes;
    @Column(name = "failure_reason")
    public String failureReason;

    public static Optional<RolloutDevice> find(String rolloutId, String deviceId) {
        return find("rolloutId = ?1 and deviceId = ?2", rolloutId, deviceId).firstResultOptional();
    }

    public static List<RolloutDevice> ofDevice(String deviceId) {
        return list("deviceId", deviceId);
    }

    public static List<RolloutDevice> inSubnet(String rolloutId, String subnet) {
        return list("rolloutId = ?1 and subnet = ?2", rolloutId, subnet);
    }

    public static List<RolloutDevice> ofRollout(String rolloutId, Collection<DeviceState> states) {
        return list("rolloutId = ?1 and state in ?2 order by subnet, deviceId", rolloutId, states);
    }

    public static List<RolloutDevice> ofRollout(String rolloutId) {
        return list("rolloutId = ?1 order by subnet, deviceId", rolloutId);
    }

    public static Map<DeviceState, Long> countByState(String rolloutId) {
        Map<DeviceState, Long> counts = new EnumMap<>(DeviceState.class);
        getEntityManager()
                .createQuery("select d.state, count(d) from RolloutDevice d where d.rolloutId = ?1 group by d.state",
                        Object[].class)
                .setParameter(1, rolloutId)
                .getResultList()
                .forEach(row -> counts.put((DeviceState) row[0], (Long) row[1]));
        return counts;
    }

    public static long countWanSeedsInFlight(String rolloutId) {
        return count("rolloutId = ?1 and commandPolicy = ?2 and state in ?3", rolloutId, SourcePolicy.WAN_SEED,
                List.of(DeviceState.COMMANDED, DeviceState.DOWNLOADING));
    }

    /** Subnets of the rollout that have devices to schedule, for the periodic pass. */
    public static List<String> subnetsWithWork(String rolloutId) {
        return find("select distinct d.subnet from RolloutDevice d where d.rolloutId = ?1 and d.subnet is not null"
                + " and d.state in ?2 order by d.subnet", rolloutId, List.of(DeviceState.PENDING, DeviceState.COMMANDED,
                DeviceState.DOWNLOADING, DeviceState.INSTALLING, DeviceState.UPGRADED))
                .project(String.class).list();
    }

    /** Ids of open rollouts in which the subnet has devices. */
    public static List<String> openRolloutsWithSubnet(String subnet) {
        return find("select distinct d.rolloutId from RolloutDevice d, Rollout r where r.id = d.rolloutId"
                + " and d.subnet = ?1 and r.state in ?2", subnet, RolloutState.open())
                .project(String.class).list();
    }
}
