package io.peerlift.profile.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * A device configuration, or a deleted device's tombstone, waiting to be published; written in the transaction of
 * the change that caused it.
 */
@Entity
@Table(name = "config_outbox")
public class OutboxMessage extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "device_id", nullable = false)
    public String deviceId;

    @Column(nullable = false)
    public long revision;

    /**
     * The {@code DeviceConfig}, encoded with {@code EventCodec}; null for the tombstone of a deleted device
     * ({@link #revision} is then its last one).
     */
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;
}
