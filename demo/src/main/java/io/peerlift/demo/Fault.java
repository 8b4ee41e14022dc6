package io.peerlift.demo;

import io.peerlift.localstack.LocalStack;
import io.peerlift.localstack.ServiceProcesses;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** A fault the demo can inject mid-rollout (for {@code bin/bench faults}): what breaks, and for how long. */
enum Fault {
    NONE,
    KILL_PROFILE_SERVICE,
    KILL_ROLLOUT_SERVICE,
    KILL_FLEET,
    BROKER_RESTART,
    DATABASE_REFUSES_15S;

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    /** Injects the fault and returns once it is over (the service is back, the broker up, connections taken). */
    void inject(LocalStack stack, ServiceProcesses processes, Map<String, ServiceProcesses.Service> services)
            throws IOException, InterruptedException {
        switch (this) {
            case NONE -> {
            }
            case KILL_PROFILE_SERVICE -> processes.killAndRestart(services.get("profile-service"), READY_WITHIN);
            case KILL_ROLLOUT_SERVICE -> processes.killAndRestart(services.get("rollout-service"), READY_WITHIN);
            case KILL_FLEET -> processes.killAndRestart(services.get("device-service"), READY_WITHIN);
            case BROKER_RESTART -> stack.restartKafka(Duration.ofSeconds(5));
            case DATABASE_REFUSES_15S -> stack.refuseDatabaseConnections(Duration.ofSeconds(15));
        }
    }
}
