package io.peerlift.profile.messaging;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.peerlift.profile.config.ProfileServiceConfig;
import io.peerlift.profile.service.InventoryService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;

import java.sql.SQLException;

/**
 * Keeps the inventory current from {@code peerlift.device-events}. Idempotent: the inventory applies an event
 * only when its seq is above the device's last applied one, in the same transaction. A transaction that loses
 * a race with an operator's change of the same device is retried; a record that cannot be decoded or applied
 * is nacked, and the channel's failure strategy sends it to the dead-letter topic so it never blocks the
 * subnet's partition.
 */
@ApplicationScoped
public class DeviceEventConsumer {

    private static final Logger LOG = Logger.getLogger(DeviceEventConsumer.class);

    /** PostgreSQL SQLSTATE class of transaction rollbacks: serialization failures and deadlocks. */
    private static final String TRANSACTION_ROLLBACK_CLASS = "40";

    @Inject
    InventoryService inventory;

    @Inject
    ProfileServiceConfig config;

    @Inject
    MeterRegistry meters;

    @Incoming("device-events")
    @Blocking(ordered = true)
    public void consume(String payload) {
        try {
            applyWithRetries(EventCodec.decodeEvent(payload));
        } catch (RuntimeException e) {
            count("dead-lettered");
            throw e;
        }
    }

    private void applyWithRetries(DeviceEvent event) {
        int maxAttempts = config.deviceEvents().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            try {
                count(inventory.apply(event) ? "applied" : "skipped");
                return;
            } catch (RuntimeException e) {
                if (attempt >= maxAttempts || !isTransient(e)) {
                    throw e;
                }
                LOG.debugf("retrying %s of %s after a concurrent change (attempt %d): %s",
                        event.getClass().getSimpleName(), event.deviceId(), attempt, e);
            }
        }
    }

    /** applied, skipped (a re-delivery, or an event the inventory does not need) or dead-lettered. */
    private void count(String outcome) {
        meters.counter("peerlift.profile.device_events", "outcome", outcome).increment();
    }

    private static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof OptimisticLockException || cause instanceof StaleStateException
                    || cause instanceof PessimisticLockException || cause instanceof LockTimeoutException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith(TRANSACTION_ROLLBACK_CLASS)) {
                return true;
            }
        }
        return false;
    }
}
