package io.peerlift.rollout.domain;

import io.peerlift.events.SourcePolicy;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** A rollout of one app version to the devices of a folder tree. */
@Entity
@Table(name = "rollout")
public class Rollout extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "folder_id")
    public long folderId;
    public String app;
    public String version;
    @Column(name = "manifest_sha256")
    public String manifestSha256;
    @Column(name = "package_bytes")
    public long packageBytes;
    @Column(name = "min_source_version")
    public String minSourceVersion;
    @Enumerated(EnumType.STRING)
    @Column(name = "source_policy")
    public SourcePolicy sourcePolicy;
    @Column(name = "wan_seeds_per_subnet")
    public int wanSeedsPerSubnet;
    @Column(name = "max_concurrent_wan_downloads")
    public int maxConcurrentWanDownloads;
    @Column(name = "error_threshold_percent")
    public int errorThresholdPercent;
    @Column(name = "retry_limit")
    public int retryLimit;
    @Column(name = "device_timeout_seconds")
    public int deviceTimeoutSeconds;
    @Enumerated(EnumType.STRING)
    public RolloutState state;
    @Column(name = "state_reason")
    public String stateReason;
    /** Failed devices an operator accepted by resuming after an error pause; the threshold counts the rest. */
    @Column(name = "failures_acknowledged")
    public int failuresAcknowledged;
    @Column(name = "wan_bytes")
    public long wanBytes;
    @Column(name = "peer_bytes")
    public long peerBytes;
    /** Bytes the repository served for this rollout's app version while it was open. */
    @Column(name = "repository_bytes")
    public long repositoryBytes;
    @Column(name = "status_version")
    public long statusVersion;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    /**
     * The rollout locked for this transaction. Every decision about a rollout's devices is taken under this
     * lock, so two replicas never command from the same free slots. {@code no key update} leaves inserts of
     * rows that reference the rollout unblocked.
     */
    public static Rollout lock(String id) {
        List<?> found = getEntityManager()
                .createNativeQuery("select id from rollout where id = ?1 for no key update")
                .setParameter(1, id)
                .getResultList();
        if (found.isEmpty()) {
            return null;
        }
        Rollout rollout = findById(id);
        getEntityManager().refresh(rollout);
        return rollout;
    }

    public static List<Rollout> inStates(java.util.Collection<RolloutState> states) {
        return list("state in ?1 order by createdAt", states);
    }

    /** Ids in id order: the order in which a transaction locks several rollouts, so none deadlock. */
    public static List<String> idsInStates(java.util.Collection<RolloutState> states) {
        return find("select r.id from Rollout r where r.state in ?1 order by r.id", states)
                .project(String.class).list();
    }
}
