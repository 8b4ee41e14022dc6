package io.peerlift.profile.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "peerlift.profile")
public interface ProfileServiceConfig {

    Outbox outbox();

    Reconcile reconcile();

    Folders folders();

    interface Outbox {

        /** How often the relay looks for unsent rows besides the nudge after each commit (the safety net). */
        @WithDefault("1s")
        Duration relayInterval();

        /** Rows published per transaction. */
        @WithDefault("100")
        int batchSize();

        /** How long the relay waits for Kafka to acknowledge a batch before retrying it on the next run. */
        @WithDefault("10s")
        Duration ackTimeout();

        /** How long sent rows are kept for inspection before they are purged. */
        @WithDefault("P7D")
        Duration retention();
    }

    interface Folders {

        /**
         * A folder move changes the configuration of every device below the folder in one transaction; a move
         * that would change more is refused (409), so one request never holds the configuration lock for long.
         */
        @WithDefault("20000")
        int maxDevicesPerMove();

        /**
         * Devices moved into a folder per transaction: a move of many devices is checked as a whole, then applied
         * and published in batches of this size, each holding the configuration lock only briefly.
         */
        @WithDefault("1000")
        int deviceMoveBatch();
    }

    interface Reconcile {

        /**
         * Devices whose configuration is published again per transaction when the settings schema changed (a key
         * renamed): each batch holds the configuration lock only briefly.
         */
        @WithDefault("500")
        int batchSize();
    }
}
