package io.peerlift.profile.service;

import io.peerlift.profile.config.ProfileServiceConfig;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.SettingsSchema;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Publishes every device's configuration again once the settings schema changed since they were last published
 * (keys renamed, defaults changed), so that no device or consumer keeps a configuration under keys nobody reads
 * any more. Runs in the background after start-up, in batches each holding the configuration lock briefly. Two
 * instances starting at once do no harm: only configurations that differ from the last published are written.
 */
@ApplicationScoped
public class ConfigReconciler {

    private static final Logger LOG = Logger.getLogger(ConfigReconciler.class);

    private final ConfigPublisher publisher;
    private final EntityManager entityManager;
    private final ManagedExecutor executor;
    private final ProfileServiceConfig config;

    ConfigReconciler(ConfigPublisher publisher, EntityManager entityManager, ManagedExecutor executor,
                     ProfileServiceConfig config) {
        this.publisher = publisher;
        this.entityManager = entityManager;
        this.executor = executor;
        this.config = config;
    }

    void onStart(@Observes StartupEvent started) {
        executor.execute(() -> {
            try {
                reconcile();
            } catch (RuntimeException e) {
                LOG.errorf(e, "republishing configurations under settings schema %d failed; it is retried at the "
                        + "next start", SettingsSchema.VERSION);
            }
        });
    }

    /**
     * Republishes when the stored schema version is older than {@link SettingsSchema#VERSION}, then records it.
     *
     * @return the configurations published again
     */
    public int reconcile() {
        int stored = QuarkusTransaction.requiringNew().call(this::storedVersion);
        if (stored >= SettingsSchema.VERSION) {
            return 0;
        }
        int batchSize = config.reconcile().batchSize();
        int published = 0;
        Batch batch = new Batch("", 0, 0);
        do {
            String after = batch.lastId();
            batch = QuarkusTransaction.requiringNew().call(() -> republish(after, batchSize));
            published += batch.published();
        } while (batch.devices() == batchSize);
        QuarkusTransaction.requiringNew().run(() -> entityManager
                .createNativeQuery("update settings_schema_state set version = :version where version < :version")
                .setParameter("version", SettingsSchema.VERSION)
                .executeUpdate());
        LOG.infof("settings schema %d -> %d: %d device configuration(s) published again", stored,
                SettingsSchema.VERSION, published);
        return published;
    }

    /** The next devices in id order after {@code after}. */
    private Batch republish(String after, int batchSize) {
        publisher.lockConfiguration();
        List<Device> devices = Device.find("id > ?1 order by id", after).page(0, batchSize).list();
        int published = publisher.publish(devices);
        return new Batch(devices.isEmpty() ? after : devices.get(devices.size() - 1).id, devices.size(), published);
    }

    private int storedVersion() {
        return ((Number) entityManager.createNativeQuery("select version from settings_schema_state")
                .getSingleResult()).intValue();
    }

    private record Batch(String lastId, int devices, int published) {
    }
}
