package io.peerlift.rollout.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A command decided in a committed transaction, relayed to Kafka once and then marked published. */
@Entity
@Table(name = "outbox_command")
public class OutboxCommand extends PanacheEntityBase {

    public static final String UPGRADE = "Upgrade";
    public static final String CANCEL = "Cancel";

    @Id
    @Column(name = "command_id")
    public UUID commandId;
    @Column(name = "rollout_id")
    public String rolloutId;
    @Column(name = "device_id")
    public String deviceId;
    public String subnet;
    public String kind;
    public int attempt;
    /** The DeviceCommand as EventCodec JSON, exactly as it goes to the topic. */
    @Column(columnDefinition = "text")
    public String payload;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "published_at")
    public Instant publishedAt;

    public static boolean hasUnpublished() {
        return find("publishedAt is null").firstResultOptional().isPresent();
    }

    /** The oldest unpublished commands, in the order they were decided. */
    public static List<OutboxCommand> unpublished(int limit) {
        return find("publishedAt is null order by createdAt, commandId").page(0, limit).list();
    }
}
