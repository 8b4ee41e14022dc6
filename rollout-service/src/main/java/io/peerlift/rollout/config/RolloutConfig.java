package io.peerlift.rollout.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

/** Configuration of the rollout service, under {@code peerlift.rollout}. */
@ConfigMapping(prefix = "peerlift.rollout")
public interface RolloutConfig {

    Repository repository();

    Scheduler scheduler();

    Status status();

    interface Repository {
        /** Where payloads (named by their SHA-256) and upload temp files live. */
        Path storageDir();

        /** The repository's base URL as devices reach it; put into every Upgrade command. */
        @WithDefault("http://127.0.0.1:8083/api/apps")
        String publicUrl();
    }

    interface Scheduler {
        /** How often timeouts, due retries and the rollouts' completion are checked between events. */
        @WithDefault("1s")
        Duration tick();

        /** First wait before a failed device is commanded again; doubles with each further attempt. */
        @WithDefault("5s")
        Duration retryBackoff();

        /** The longest wait between retries. */
        @WithDefault("5m")
        Duration maxRetryBackoff();
    }

    interface Status {
        /** The shortest interval between two status snapshots of one rollout (state changes go out at once). */
        @WithDefault("500ms")
        Duration minInterval();
    }
}
