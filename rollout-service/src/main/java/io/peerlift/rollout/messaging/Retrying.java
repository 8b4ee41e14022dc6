package io.peerlift.rollout.messaging;

import io.peerlift.events.EventCodec;
import org.jboss.logging.Logger;

import java.util.function.BooleanSupplier;

/**
 * Runs a consumer's transaction again when it fails for a reason that may pass (a lock timeout, a brief
 * database outage). A record that still fails after the last attempt is nacked, and the channel's
 * dead-letter-queue strategy parks it with the error; malformed records are never retried.
 */
final class Retrying {

    private static final Logger LOG = Logger.getLogger(Retrying.class);
    private static final int ATTEMPTS = 5;

    private Retrying() {
    }

    static boolean run(String what, BooleanSupplier work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.getAsBoolean();
            } catch (EventCodec.MalformedMessageException | IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                LOG.warnf("%s failed (attempt %d of %d), retrying: %s", what, attempt, ATTEMPTS, e.toString());
                try {
                    Thread.sleep(100L << attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
