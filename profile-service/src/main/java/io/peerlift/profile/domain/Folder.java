package io.peerlift.profile.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

import java.time.Instant;

/** A device folder. Folders form one tree under {@link #ROOT_ID}, at most {@link FolderTree#MAX_DEPTH} levels deep. */
@Entity
public class Folder extends PanacheEntityBase {

    /** The root folder "Devices", created by the schema migration; new devices land here. */
    public static final long ROOT_ID = 1L;

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    /** Null only for the root. */
    @Column(name = "parent_id")
    public Long parentId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The folder's own IANA time zone; null: the one of the nearest folder above it that has one, else UTC. */
    @Column(name = "time_zone")
    public String timeZone;

    /** The folder's own maintenance window (both parts or neither), a Quartz cron schedule of openings. */
    @Column(name = "window_schedule")
    public String windowSchedule;

    /** How long the window stays open from each opening, {@code HH:mm:ss}. */
    @Column(name = "window_duration")
    public String windowDuration;
}
