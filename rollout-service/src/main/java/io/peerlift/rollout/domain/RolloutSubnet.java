package io.peerlift.rollout.domain;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;


import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One subnet of one rollout: the sums of its devices ({@link DeviceCounts}) and what the scheduler remembers
 * between passes. Its row lock is the lock of the subnet: every change of one of its devices, and every
 * scheduling decision for it, is taken under it, so subnets proceed in parallel and replicas share them.
 * The row without a subnet counts the members whose subnet is not known yet; nothing schedules it.
 */
@Entity
@Table(name = "rollout_subnet")
public class RolloutSubnet extends PanacheEntityBase {

    /** Samples of {@link #peersOverTime} kept, so that a subnet's status record stays small whatever happens. */
    static final int MAX_PEER_SAMPLES = 512;
    private static final String EMPTY_SERIES = "[]";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "rollout_id")
    public String rolloutId;
    public String subnet;
    @Embedded
    public DeviceCounts counts = new DeviceCounts();
    @Column(name = "initial_peers")
    public int initialPeers;
    public int peers;
    @Column(name = "peer_slots")
    public int peerSlots;
    /** Of {@link #peers}, those that serve over HTTPS too. */
    @Column(name = "https_peers")
    public int httpsPeers;
    public int rounds;
    public String waiting;
    @Column(name = "last_upgrade_at")
    public Instant lastUpgradeAt;
    @Column(name = "peers_over_time", columnDefinition = "text")
    public String peersOverTime = EMPTY_SERIES;
    /** Something changed that may let the scheduler command more: plan the subnet at the next pass. */
    @Column(name = "plan_requested")
    public boolean planRequested = true;
    /** Plan then even without a change: the earliest retry of a failed device falls due. */
    @Column(name = "wake_at")
    public Instant wakeAt;
    /**
     * Rises with every change a status record shows; its record is published under it. Writers raise it under
     * the subnet's lock, so the status publisher never needs that lock ({@link #withUnpublishedStatus}).
     */
    @Column(name = "status_version")
    public long statusVersion;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "last_progress_at")
    public Instant lastProgressAt;
    @Column(name = "stalled_since")
    public Instant stalledSince;

    /** A subnet of a rollout; {@code subnet} null for the members whose subnet is not known yet. */
    public record Key(String rolloutId, String subnet) {
    }

    public Key key() {
        return new Key(rolloutId, subnet);
    }

    /**
     * The subnets locked for this transaction, in id order; those of {@code create} that are missing are created
     * (the others only locked if they exist). Take the subnets' locks after the devices' and before changing any
     * of their rollout rows.
     */
    public static Map<Key, RolloutSubnet> lock(Collection<Key> keys, Collection<Key> create) {
        if (keys.isEmpty() && create.isEmpty()) {
            return new HashMap<>();
        }
        Set<Key> all = new java.util.HashSet<>(keys);
        all.addAll(create);
        Map<Key, RolloutSubnet> locked = lockExisting(all);
        Set<Key> missing = create.stream().filter(k -> !locked.containsKey(k)).collect(Collectors.toSet());
        if (!missing.isEmpty()) {
            for (Key key : missing) {
                if (key.subnet() == null) {
                    getEntityManager().createNativeQuery("""
                                    insert into rollout_subnet (rollout_id) values (?1)
                                    on conflict (rollout_id) where subnet is null do nothing""")
                            .setParameter(1, key.rolloutId())
                            .executeUpdate();
                } else {
                    getEntityManager().createNativeQuery("""
                                    insert into rollout_subnet (rollout_id, subnet) values (?1, ?2)
                                    on conflict (rollout_id, subnet) do nothing""")
                            .setParameter(1, key.rolloutId())
                            .setParameter(2, key.subnet())
                            .executeUpdate();
                }
            }
            locked.putAll(lockExisting(missing));
        }
        return locked;
    }

    @SuppressWarnings("unchecked")
    private static Map<Key, RolloutSubnet> lockExisting(Collection<Key> keys) {
        Set<String> rollouts = keys.stream().map(Key::rolloutId).collect(Collectors.toSet());
        Set<String> subnets = keys.stream().map(Key::subnet).filter(Objects::nonNull).collect(Collectors.toSet());
        // A native locking query: the rows are read as they are once locked, never from before the wait.
        var query = getEntityManager().createNativeQuery("select * from rollout_subnet where rollout_id in (:rollouts)"
                + (subnets.isEmpty() ? " and subnet is null" : " and (subnet in (:subnets) or subnet is null)")
                + " order by id for update", RolloutSubnet.class).setParameter("rollouts", rollouts);
        if (!subnets.isEmpty()) {
            query.setParameter("subnets", subnets);
        }
        Map<Key, RolloutSubnet> byKey = new HashMap<>();
        ((List<RolloutSubnet>) query.getResultList()).stream().filter(row -> keys.contains(row.key()))
                .forEach(row -> byKey.put(row.key(), row));
        return byKey;
    }

    /** Which subnets the reconciler claims. */
    public enum Claim {
        /** Subnets whose planning was requested, or whose wake-up time passed. */
        DUE("subnet is not null and (plan_requested or wake_at <= :now)"),
        /** Subnets (and the members without one) with devices pending or on their way. */
        UNFINISHED("pending + commanded + downloading + installing > 0");

        private final String condition;

        Claim(String condition) {
            this.condition = condition;
        }
    }

    /**
     * Up to {@code limit} subnets of the rollout for the reconciler, locked. Unless {@code wait}, it skips those
     * another transaction holds (another worker or replica, or events being recorded): they stay due for the
     * next pass. With {@code wait} it waits for them and takes those still due once they are free.
     */
    public static List<RolloutSubnet> claim(String rolloutId, Claim claim, boolean wait, Instant now, int limit) {
        var query = getEntityManager().createNativeQuery("select id from rollout_subnet where rollout_id = :rollout"
                        + " and " + claim.condition + " order by id limit :limit for update"
                        + (wait ? "" : " skip locked"))
                .setParameter("rollout", rolloutId)
                .setParameter("limit", limit);
        if (claim == Claim.DUE) {
            query.setParameter("now", now);
        }
        List<?> ids = query.getResultList();
        return ids.isEmpty() ? List.of()
                : RolloutSubnet.list("id in ?1 order by id", ids.stream().map(id -> ((Number) id).longValue()).toList());
    }

    /**
     * Up to {@code limit} subnets of the rollout whose status version is above the one last published, read
     * without a lock: publishing never holds up scheduling.
     */
    public static List<RolloutSubnet> withUnpublishedStatus(String rolloutId, int limit) {
        List<?> ids = getEntityManager().createNativeQuery("""
                        select s.id from rollout_subnet s left join rollout_subnet_published p on p.subnet_id = s.id
                        where s.rollout_id = ?1 and s.subnet is not null and s.status_version > coalesce(p.version, -1)
                        order by s.id limit ?2""")
                .setParameter(1, rolloutId)
                .setParameter(2, limit)
                .getResultList();
        return ids.isEmpty() ? List.of()
                : RolloutSubnet.list("id in ?1 order by id", ids.stream().map(id -> ((Number) id).longValue()).toList());
    }

    /** As if no subnet status of the rollout had been published: the next publication sends every one. */
    public static void forgetPublished(String rolloutId) {
        getEntityManager().createNativeQuery("""
                        delete from rollout_subnet_published
                        where subnet_id in (select id from rollout_subnet where rollout_id = ?1)""")
                .setParameter(1, rolloutId)
                .executeUpdate();
    }

    /** The subnets of the rollout that have status records on the topic (those with an address). */
    public static List<String> publishedSubnets(String rolloutId) {
        return find("select s.subnet from RolloutSubnet s where s.rolloutId = ?1 and s.subnet is not null",
                rolloutId).project(String.class).list();
    }

    /** Records, in one statement, that each subnet's status was published under its {@link #statusVersion}. */
    public static void markPublished(List<RolloutSubnet> subnets) {
        if (subnets.isEmpty()) {
            return;
        }
        getEntityManager().createNativeQuery("""
                        insert into rollout_subnet_published (subnet_id, version)
                        select * from unnest(cast(?1 as bigint[]), cast(?2 as bigint[]))
                        on conflict (subnet_id) do update set version = excluded.version""")
                .setParameter(1, subnets.stream().map(s -> s.id).toArray(Long[]::new))
                .setParameter(2, subnets.stream().map(s -> s.statusVersion).toArray(Long[]::new))
                .executeUpdate();
    }

    /** The subnet locked like {@link #claim}, or null when another transaction holds it. */
    public static RolloutSubnet tryLock(String rolloutId, String subnet) {
        List<?> ids = getEntityManager().createNativeQuery("""
                        select id from rollout_subnet where rollout_id = ?1 and subnet is not distinct from ?2
                        for update skip locked""")
                .setParameter(1, rolloutId)
                .setParameter(2, subnet)
                .getResultList();
        return ids.isEmpty() ? null : findById(((Number) ids.get(0)).longValue());
    }

    /** The sums over every subnet of the rollout (and its members without one). */
    public static DeviceCounts totals(String rolloutId) {
        DeviceCounts totals = new DeviceCounts();
        find("select s.counts from RolloutSubnet s where s.rolloutId = ?1", rolloutId).project(DeviceCounts.class)
                .list().forEach(totals::add);
        return totals;
    }

    public static List<RolloutSubnet> ofRollout(String rolloutId) {
        return list("rolloutId = ?1 order by subnet nulls first", rolloutId);
    }

    /** Requests planning of every subnet of the rollout, as after a start or resume. */
    public static void requestPlanning(String rolloutId) {
        update("planRequested = true where rolloutId = ?1", rolloutId);
    }

    /** A device of the subnet changed from {@code before} to {@code after} (null: it joined or left). */
    public void deviceChanged(DeviceProgress before, DeviceProgress after, Instant now) {
        DeviceCounts.PlanInputs planned = counts.planInputs();
        counts.move(before, after);
        if (after != null) {
            rounds = Math.max(rounds, after.round());
            if (after.state() == DeviceState.UPGRADED && after.finishedAt() != null
                    && (lastUpgradeAt == null || after.finishedAt().isAfter(lastUpgradeAt))) {
                lastUpgradeAt = after.finishedAt();
            }
        }
        if (before == null || after == null || before.state() != after.state()) {
            lastProgressAt = now;
        }
        // Most events (discovery, a download's start, progress, the install's start) change nothing the plan
        // reads: planning the subnet again for them cost a few queries per event and commanded nothing.
        if (!counts.planInputs().equals(planned)) {
            planRequested = true;
        }
        statusVersion++;
    }

    public List<PeerSample> peerSamples() {
        return Arrays.asList(EventCodec.decode(peersOverTime, PeerSample[].class));
    }

    /**
     * Records the peer population (and how many of them serve HTTPS); a sample is kept only when it changed, so
     * the series stays short, and at most {@link #MAX_PEER_SAMPLES} of them.
     */
    public void observePeers(int count, int slots, int https, double secondsSinceStart) {
        if (count == peers && slots == peerSlots && https == httpsPeers && !EMPTY_SERIES.equals(peersOverTime)) {
            return; // the last sample already says count: nearly every plan, and decoding the series cost CPU
        }
        List<PeerSample> samples = new ArrayList<>(peerSamples());
        if (samples.isEmpty()) {
            initialPeers = count;
        }
        if (samples.isEmpty() || samples.get(samples.size() - 1).peers() != count) {
            samples.add(new PeerSample(secondsSinceStart, count));
            if (samples.size() > MAX_PEER_SAMPLES) {
                // Keep the start, drop the oldest of the rest.
                samples.remove(1);
            }
            peersOverTime = EventCodec.encode(samples);
            statusVersion++;
        }
        if (peers != count || peerSlots != slots || httpsPeers != https) {
            statusVersion++;
        }
        peers = count;
        peerSlots = slots;
        httpsPeers = https;
    }

    public String phase() {
        return phase(counts, peers, waiting != null);
    }

    /** What a subnet is doing, for the fleet view (see {@code RolloutStatus.SubnetStatus#state}). */
    public static String phase(DeviceCounts counts, int peers, boolean waiting) {
        if (counts.unfinished() == 0) {
            return counts.total() == 0 ? "PENDING" : "DONE";
        }
        if (waiting && counts.inFlight() == 0) {
            return "WAITING";
        }
        if (peers == 0 && counts.seedsOutstanding > 0) {
            return "SEEDING";
        }
        return counts.inFlight() > 0 || counts.upgraded > 0 ? "SPREADING" : "PENDING";
    }
}
