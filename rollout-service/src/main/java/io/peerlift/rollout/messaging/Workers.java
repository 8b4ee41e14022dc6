package io.peerlift.rollout.messaging;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Single background threads for the publishers: one thread keeps their records in order. */
final class Workers {

    private Workers() {
    }

    static ScheduledExecutorService single(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
