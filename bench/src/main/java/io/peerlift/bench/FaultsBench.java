package io.peerlift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.events.EventCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/bench faults [--faults A,B] [--subnets S] [--devices-per-subnet N]}: the demo-size rollout run once
 * without a fault (the reference) and once per fault, each injected by the demo ({@code --fault}) once a third of
 * the devices upgraded: kill -9 of each service and of the fleet, a broker restart, PostgreSQL refusing
 * connections for 15 s, one subnet cut off from the broker and the repository for 30 s (the simulated fleet's fault
 * hook, {@code POST /api/fleet/partitions}). After each: devices upgraded, the most Upgrades any device got and the most installs any
 * finished, events lost (gaps in a device's seq), records on the dead-letter topics, and seconds from the end of
 * the fault to the end of the rollout.
 */
public final class FaultsBench {

    private static final List<String> ALL = List.of("NONE", "KILL_PROFILE_SERVICE", "KILL_ROLLOUT_SERVICE", "KILL_FLEET",
            "BROKER_RESTART", "DATABASE_REFUSES_15S", "PARTITION_SUBNET_30S");

    private FaultsBench() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(FleetBench.option(args, "--repo-dir", ".")).toAbsolutePath();
        List<String> faults = List.of(FleetBench.option(args, "--faults", String.join(",", ALL)).split(","));
        String subnets = FleetBench.option(args, "--subnets", "3");
        String perSubnet = FleetBench.option(args, "--devices-per-subnet", "20");
        Path jar = repo.resolve("demo/target/quarkus-app/quarkus-run.jar");
        Path out = Files.createDirectories(repo.resolve("var/faults"));
        List<JsonNode> reports = new ArrayList<>();
        for (String fault : faults) {
            Path report = out.resolve(fault + ".json");
            Files.deleteIfExists(report);
            System.out.println("==> " + fault + " (log: " + out.resolve(fault + ".log") + ")");
            Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx768m", "-jar", jar.toString(), "--repo-dir", repo.toString(), "--headless",
                    "--subnets", subnets, "--devices-per-subnet", perSubnet, "--timeout-seconds", "600",
                    "--work-dir", "var/faults/" + fault, "--fault", fault, "--fault-report", report.toString())
                    .directory(repo.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.resolve(fault + ".log").toFile()).start();
            if (!demo.waitFor(15, TimeUnit.MINUTES)) {
                demo.destroyForcibly().waitFor();
            }
            if (Files.exists(report)) {
                reports.add(EventCodec.mapper().readTree(Files.readString(report)));
            } else {
                System.out.println("    no report: the run failed, see its log");
            }
        }
        System.out.printf("%n%-22s %-10s %9s %13s %13s %11s %12s %14s%n", "fault", "rollout", "upgraded",
                "max Upgrades", "max installs", "events lost", "DLQ records", "s to recovery");
        for (JsonNode r : reports) {
            double recovery = r.get("secondsToRecovery").asDouble();
            System.out.printf("%-22s %-10s %4d/%-4d %13d %13d %11d %12d %14s%n", r.get("fault").asText(),
                    r.get("rolloutState").asText(), r.get("upgraded").asInt(), r.get("devices").asInt(),
                    r.get("mostUpgradesPerDevice").asInt(), r.get("mostInstallsPerDevice").asInt(),
                    r.get("eventsLost").asLong(), r.get("deadLetters").asLong(),
                    recovery < 0 ? "-" : String.format("%.1f", recovery));
        }
        System.out.println("Target (issue #14): every device upgraded, at most 1 Upgrade and 1 install each, 0 events "
                + "lost, 0 DLQ records, the rollout finished within 60 s of the fault ending. The reference (NONE) has "
                + "no fault. Upgrades are the commands on peerlift.device-commands, installs the UpgradeCompleted events.");
    }
}
