package io.peerlift.demo;

import io.peerlift.localstack.LocalStack;
import io.peerlift.localstack.ServiceProcesses;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;

/** A fault the demo can inject mid-rollout (for {@code bin/bench faults}): what breaks, and for how long. */
enum Fault {
    NONE,
    KILL_PROFILE_SERVICE,
    KILL_ROLLOUT_SERVICE,
    KILL_FLEET,
    BROKER_RESTART,
    DATABASE_REFUSES_15S,
    /** The subnet with the most devices downloading cut off from the broker and the repository (the fleet's hook). */
    PARTITION_SUBNET_30S;

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final int PARTITION_SECONDS = 30;

    /**
     * Injects the fault and returns once it is over (the service is back, the broker up, connections taken, the
     * subnet connected again).
     */
    void inject(LocalStack stack, ServiceProcesses processes, Map<String, ServiceProcesses.Service> services,
                AdminClient admin) throws IOException, InterruptedException {
        switch (this) {
            case NONE -> {
            }
            case KILL_PROFILE_SERVICE -> processes.killAndRestart(services.get("profile-service"), READY_WITHIN);
            case KILL_ROLLOUT_SERVICE -> processes.killAndRestart(services.get("rollout-service"), READY_WITHIN);
            case KILL_FLEET -> processes.killAndRestart(services.get("device-service"), READY_WITHIN);
            case BROKER_RESTART -> stack.restartKafka(Duration.ofSeconds(5));
            case DATABASE_REFUSES_15S -> stack.refuseDatabaseConnections(Duration.ofSeconds(15));
            case PARTITION_SUBNET_30S -> partitionBusiestSubnet(services.get("device-service").baseUrl(), admin);
        }
    }

    /** Mid-rollout, the subnet whose devices are busiest downloading (from their peers) loses its uplink. */
    private static void partitionBusiestSubnet(String fleetUrl, AdminClient admin) throws IOException, InterruptedException {
        Map<String, Long> downloading = admin.hostedDevices(fleetUrl).stream()
                .filter(device -> device.path("state").asText().equals("DOWNLOADING"))
                .collect(Collectors.groupingBy(device -> device.path("subnet").asText(), Collectors.counting()));
        String subnet = downloading.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .map(Map.Entry::getKey).orElse("127.10.1.0/24");
        Instant until = admin.partition(fleetUrl, subnet, PARTITION_SECONDS);
        System.out.printf("==> subnet %s (%d device(s) downloading) is cut off until %s%n", subnet,
                downloading.getOrDefault(subnet, 0L), until);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), until).toMillis()));
    }
}
