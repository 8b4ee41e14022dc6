package io.peerlift.rollout.domain;

import io.peerlift.events.Distribution;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.events.SourcePolicy;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

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
    /** The release signature the repository accepted the package with (header form); every Upgrade carries it. */
    @Column(name = "release_signature", columnDefinition = "text")
    public String releaseSignature;
    @Column(name = "package_bytes")
    public long packageBytes;
    @Column(name = "min_source_version")
    public String minSourceVersion;
    @Enumerated(EnumType.STRING)
    @Column(name = "source_policy")
    public SourcePolicy sourcePolicy;
    @Column(name = "wan_seeds_per_subnet")
    public int wanSeedsPerSubnet;
    @Enumerated(EnumType.STRING)
    @Column(name = "distribution")
    public Distribution distribution = Distribution.WHOLE_FILE;
    /** Devices of one subnet downloading at once in a SWARM rollout. */
    @Column(name = "max_swarm_per_subnet")
    public int maxSwarmPerSubnet;
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
    /** Bytes the repository served for this rollout's app version while it was open. */
    @Column(name = "repository_bytes")
    public long repositoryBytes;
    /** Whether to start once every device is taken in. */
    @Column(name = "start_when_ready")
    public boolean startWhenReady;
    /** The last device id taken in while CREATING (devices are taken in in id order). */
    @Column(name = "members_after")
    public String membersAfter;
    @Column(name = "membership_audited_at")
    public Instant membershipAuditedAt;
    /** Something the summary shows changed since it was last published. */
    @Column(name = "status_changed")
    public boolean statusChanged = true;
    @Column(name = "status_version")
    public long statusVersion;
    /** What a start forced past the folder's consistency errors went past, and the operator's reason. */
    @Column(name = "forced_start")
    public String forcedStart;
    /** When an operator archived the finished rollout: it leaves the default list. */
    @Column(name = "archived_at")
    public Instant archivedAt;
    /** Whether an approver other than its creator must approve the rollout before it may start. */
    @Column(name = "approval_required")
    public boolean approvalRequired;
    /** Who created it (the token's subject): the one caller who may not approve it. */
    @Column(name = "created_by")
    public String createdBy;
    /** Who approved or denied it, when, and their remark. */
    @Column(name = "approval_decided_by")
    public String approvalDecidedBy;
    @Column(name = "approval_decided_at")
    public Instant approvalDecidedAt;
    @Column(name = "approval_remark")
    public String approvalRemark;
    /** The maintenance window (all three set, or none): new Upgrades only while it is open. */
    @Column(name = "window_schedule")
    public String windowSchedule;
    @Column(name = "window_duration")
    public String windowDuration;
    @Column(name = "window_time_zone")
    public String windowTimeZone;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;

    /**
     * The rollout locked against every other lock of it, or null: an operator's action waits for the reconciler
     * steps under way and they, once it committed, see its result.
     */
    public static Rollout lock(String id) {
        return locked(id, "for update");
    }

    /**
     * The rollout locked to change its own columns (its state, its status version), or null. Taking in pages,
     * rollout-wide decisions and status publications hold this lock; scheduling subnets does not wait for it.
     */
    public static Rollout lockForUpdate(String id) {
        return locked(id, "for no key update");
    }

    /** Locked like {@link #lockForUpdate}, or null when another transaction holds it (another replica is at it). */
    public static Rollout tryLock(String id) {
        return locked(id, "for no key update skip locked");
    }

    /**
     * The rollout read under the weakest lock: subnets are planned under it, in parallel, while an operator's
     * action ({@link #lock}) waits for them to end, so a paused rollout commands nobody once the pause returned.
     */
    public static Rollout share(String id) {
        return locked(id, "for key share");
    }

    private static Rollout locked(String id, String lock) {
        List<?> found = getEntityManager().createNativeQuery("select * from rollout where id = ?1 " + lock, Rollout.class)
                .setParameter(1, id)
                .getResultList();
        return found.isEmpty() ? null : (Rollout) found.get(0);
    }

    /**
     * Takes the rollout's status change for a publication: clears its flag and raises its status version, in one
     * statement under the row's lock, when the flag is up or {@code subnetsChanged}.
     *
     * @return the version the summary is published under, empty when there is nothing to publish
     */
    public static OptionalLong takeStatusChange(String id, boolean subnetsChanged) {
        List<?> version = getEntityManager().createNativeQuery("""
                        update rollout set status_changed = false, status_version = status_version + 1
                        where id = ?1 and (status_changed or ?2) returning status_version""")
                .setParameter(1, id)
                .setParameter(2, subnetsChanged)
                .getResultList();
        return version.isEmpty() ? OptionalLong.empty() : OptionalLong.of(((Number) version.get(0)).longValue());
    }

    /** Raises the status flag again: a publication could not send what it took. */
    public static void markStatusChanged(String id) {
        getEntityManager().createNativeQuery("update rollout set status_changed = true where id = ?1")
                .setParameter(1, id)
                .executeUpdate();
    }

    /** Serialises creating and starting rollouts until the transaction ends, so two never pass the overlap check together. */
    public static void lockStarts() {
        getEntityManager().createNativeQuery("select pg_advisory_xact_lock(15150001)").getSingleResult();
    }

    /**
     * The oldest unfinished rollout other than {@code exceptId} that covers a device of folder {@code folderId}'s
     * tree (a device whose folder path holds both folders), if any.
     */
    @SuppressWarnings("unchecked")
    public static Optional<String> unfinishedOverlapping(long folderId, String exceptId) {
        List<String> ids = getEntityManager().createNativeQuery("""
                        select r.id from rollout r
                        where r.state not in ('COMPLETED', 'CANCELLED', 'APPROVAL_DENIED') and r.id <> ?2
                          and exists (select 1 from device d
                                      where d.folder_path @> array[r.folder_id, cast(?1 as bigint)])
                        order by r.created_at limit 1""", String.class)
                .setParameter(1, folderId)
                .setParameter(2, exceptId == null ? "" : exceptId)
                .getResultList();
        return ids.stream().findFirst();
    }

    /** Ids of the rollouts in {@code states}, or finished less than {@code finishedWithin} ago. */
    public static List<String> idsInStatesOrFinishedWithin(Collection<RolloutState> states, Duration finishedWithin,
                                                           Instant now) {
        return find("select r.id from Rollout r where r.state in ?1 or r.finishedAt > ?2 order by r.createdAt",
                states, now.minus(finishedWithin)).project(String.class).list();
    }

    /**
     * Ids of the rollouts (active, or finished after {@code finishedAfter}, and not archived) with a change their
     * status records do not show yet: a state change, or a subnet whose status version is above the one published.
     */
    public static List<String> withUnpublishedStatus(Instant finishedAfter) {
        return getEntityManager().createNativeQuery("""
                        select r.id from rollout r where (r.finished_at is null or r.finished_at > ?1)
                        and r.archived_at is null
                        and (r.status_changed or exists (
                            select 1 from rollout_subnet s left join rollout_subnet_published p on p.subnet_id = s.id
                            where s.rollout_id = r.id and s.subnet is not null
                            and s.status_version > coalesce(p.version, -1)))""", String.class)
                .setParameter(1, finishedAfter)
                .getResultList();
    }

    public void moveTo(RolloutTransition transition, String reason, Instant now) {
        if (!transition.appliesTo(state)) {
            throw new IllegalStateException(transition.refusal(id, state));
        }
        boolean wasPaused = state.isPaused();
        state = transition.to();
        stateReason = reason;
        if (!wasPaused && state.isPaused()) {
            RolloutPause.begin(id, now);
        } else if (wasPaused && !state.isPaused()) {
            RolloutPause.end(id, now);
        }
        statusChanged = true;
        if (state == RolloutState.RUNNING && startedAt == null) {
            startedAt = now;
        }
        if (state.isFinished()) {
            finishedAt = now;
        }
    }

    /** The rollout's maintenance window, if it has one. */
    public Optional<MaintenanceWindow> maintenanceWindow() {
        return windowSchedule == null ? Optional.empty()
                : Optional.of(MaintenanceWindow.parse(windowSchedule, windowDuration, windowTimeZone));
    }

    public DeviceLifecycle.Rules rules(Duration retryBackoff, Duration maxRetryBackoff) {
        return new DeviceLifecycle.Rules(retryLimit, retryBackoff, maxRetryBackoff);
    }

    public DeviceState eligibility(String osVersion) {
        return Eligibility.of(osVersion, version, minSourceVersion);
    }
}
