package io.peerlift.profile.service;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.EventCodec;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.EffectiveConfig;
import io.peerlift.profile.domain.OutboxMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Turns a change into outbox rows: recomputes the effective configuration of the devices a change may affect
 * and, for each whose configuration differs from the one last published, writes the next revision to the
 * outbox in the caller's transaction. So a committed change is always published and a rolled-back one never.
 * <p>
 * Changes that can alter configurations run one at a time ({@link #lockConfiguration()}): two concurrent ones
 * (a profile edit and a move of a device into the profile's folder, say) would otherwise each compute from the
 * state before the other, and the revision published last could lack the other's change.
 */
@ApplicationScoped
public class ConfigPublisher {

    /** Bumps the revision only when the content changed; returns no row otherwise. */
    private static final String NEXT_REVISION_IF_CHANGED = """
            insert into device_config_state (device_id, revision, content) values (:deviceId, 1, :content)
            on conflict (device_id) do update
                set revision = device_config_state.revision + 1, content = excluded.content
                where device_config_state.content <> excluded.content
            returning revision""";

    /** Transaction-scoped PostgreSQL advisory lock serialising configuration changes across instances. */
    private static final long CONFIGURATION_LOCK_KEY = 0x7065_6572_636f_6e66L;

    @Inject
    EntityManager entityManager;

    @Inject
    Event<OutboxWritten> outboxWritten;

    /**
     * Waits until no other transaction changes configurations, then holds the lock until this one ends. Call it
     * before reading anything the change depends on, so that what is read includes every earlier change.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockConfiguration() {
        entityManager.createNativeQuery("select 1 from pg_advisory_xact_lock(:key)")
                .setParameter("key", CONFIGURATION_LOCK_KEY)
                .getSingleResult();
    }

    /**
     * Publishes the configurations of {@code devices} that changed; the caller holds {@link #lockConfiguration()}.
     *
     * @return how many configurations changed and were written to the outbox
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int publish(Collection<Device> devices) {
        if (devices.isEmpty()) {
            return 0;
        }
        entityManager.flush();
        // In device order, so that the outbox order of one change does not depend on how the caller collected it.
        List<Device> ordered = devices.stream().distinct().sorted(Comparator.comparing(d -> d.id)).toList();
        ConfigurationSnapshot snapshot = ConfigurationSnapshot.load(ordered);
        Instant now = Instant.now();
        int written = 0;
        for (Device device : ordered) {
            EffectiveConfig config = snapshot.resolve(device);
            OptionalLong revision = nextRevisionIfChanged(device.id, EventCodec.encode(config));
            if (revision.isPresent()) {
                enqueue(config, revision.getAsLong(), now);
                written++;
            }
        }
        if (written > 0) {
            outboxWritten.fire(new OutboxWritten());
        }
        return written;
    }

    /**
     * Writes the tombstone of a deleted device (an outbox row without payload, published as a null value), and
     * marks its last configuration as forgotten while keeping its revision. The caller holds
     * {@link #lockConfiguration()}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String deviceId) {
        entityManager.flush();
        long revision = currentRevision(deviceId);
        entityManager.createNativeQuery("update device_config_state set content = '' where device_id = :deviceId")
                .setParameter("deviceId", deviceId)
                .executeUpdate();
        OutboxMessage row = new OutboxMessage();
        row.deviceId = deviceId;
        row.revision = revision;
        row.createdAt = Instant.now();
        row.persist();
        outboxWritten.fire(new OutboxWritten());
    }

    /** The revision of the configuration last published for the device, 0 before the first. */
    public long currentRevision(String deviceId) {
        List<?> rows = entityManager
                .createNativeQuery("select revision from device_config_state where device_id = :deviceId")
                .setParameter("deviceId", deviceId)
                .getResultList();
        return rows.isEmpty() ? 0 : ((Number) rows.get(0)).longValue();
    }

    private OptionalLong nextRevisionIfChanged(String deviceId, String content) {
        // COMMIT: the statement reads no mapped entity, so the session need not be flushed before it. An automatic
        // flush per device would dirty-check every entity of the poll each time: quadratic in the poll's size.
        List<?> rows = entityManager.createNativeQuery(NEXT_REVISION_IF_CHANGED)
                .setFlushMode(FlushModeType.COMMIT)
                .setParameter("deviceId", deviceId)
                .setParameter("content", content)
                .getResultList();
        return rows.isEmpty() ? OptionalLong.empty() : OptionalLong.of(((Number) rows.get(0)).longValue());
    }

    private static void enqueue(EffectiveConfig config, long revision, Instant now) {
        DeviceConfig message = new DeviceConfig(UUID.randomUUID(), config.deviceId(), config.folderId(),
                config.folderPath(), config.osFamily(), config.osVersion(), config.settings(), config.sources(),
                revision, now, config.maintenanceWindow());
        OutboxMessage row = new OutboxMessage();
        row.deviceId = config.deviceId();
        row.revision = revision;
        row.payload = EventCodec.encode(message);
        row.createdAt = now;
        row.persist();
    }

    /** Fired in a transaction that wrote outbox rows; observed after it commits. */
    public record OutboxWritten() {
    }
}
