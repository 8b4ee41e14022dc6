package io.peerlift.profile.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A profile assigned to a folder (and so to its whole tree) or directly to a device: exactly one is set. */
@Entity
@Table(name = "profile_assignment")
public class ProfileAssignment extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "profile_id", nullable = false)
    public long profileId;

    @Column(name = "folder_id")
    public Long folderId;

    @Column(name = "device_id")
    public String deviceId;

    public boolean isDirect() {
        return deviceId != null;
    }
}
