package io.peerlift.profile.domain;

import io.peerlift.events.OsFamily;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;

/**
 * A device's own configuration, as UMS edits it on a single device: any profile overrides it, and it applies
 * only while the device runs the OS family it was set for (an OS 11 device's settings do not follow it to OS 12).
 */
@Entity
@Table(name = "device_settings")
public class DeviceSettings extends PanacheEntityBase {

    @Id
    @Column(name = "device_id")
    public String deviceId;

    @Enumerated(EnumType.STRING)
    @Column(name = "os_family", nullable = false)
    public OsFamily osFamily;

    /** Only the keys set, validated by {@link SettingsSchema}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> settings;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The settings that apply to a device of {@code family}: none when they were set for the other family. */
    public Map<String, Object> appliesTo(OsFamily family) {
        return family == osFamily ? settings : Map.of();
    }
}
