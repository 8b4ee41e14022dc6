package io.peerlift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerlift.events.AppManifest;
import io.peerlift.events.SwarmBound;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/bench spread}: one subnet of {@code --devices} devices (one of them the initial peer) upgrades to a
 * package of {@code --package-mib} at {@code --upload-rate-mib} per device, once per distribution, through the
 * whole system (bin/demo: Kafka, PostgreSQL, the services, the simulated fleet; install and reboot take no time
 * here). Each run's measured spread (the rollout's start to the subnet's last upgrade, from its status records) is
 * printed beside the two references for the devices to reach: T_tree, IGEL's whole-file doubling
 * (ceil(log2(n + 1)) transfers), and T*, the piece-scheduled bound.
 */
public final class SpreadBench {

    private SpreadBench() {
    }

    public static void main(String[] args) throws Exception {
        int devices = PeerServerBench.intOption(args, "--devices", 40);
        int packageMib = PeerServerBench.intOption(args, "--package-mib", 64);
        int uploadRateMib = PeerServerBench.intOption(args, "--upload-rate-mib", 16);
        String distribution = stringOption(args, "--distribution", "both");
        Path repo = Path.of(stringOption(args, "--repo-dir", ".")).toAbsolutePath();
        if (devices < 2 || packageMib < 1 || uploadRateMib < 1) {
            throw new IllegalArgumentException("--devices must be at least 2, --package-mib and --upload-rate-mib at least 1");
        }
        List<String> modes = switch (distribution.toLowerCase(Locale.ROOT)) {
            case "both" -> List.of("whole_file", "swarm");
            case "whole_file", "whole-file" -> List.of("whole_file");
            case "swarm" -> List.of("swarm");
            default -> throw new IllegalArgumentException("--distribution must be whole_file, swarm or both");
        };
        long packageBytes = (long) packageMib << 20;
        long rate = (long) uploadRateMib << 20;
        int toReach = devices - 1;
        int chunks = (int) ((packageBytes + AppManifest.DEFAULT_CHUNK_SIZE - 1) / AppManifest.DEFAULT_CHUNK_SIZE);
        double tree = SwarmBound.treeSeconds(packageBytes, rate, toReach);
        double bound = SwarmBound.seconds(packageBytes, rate, toReach, chunks);
        List<String> rows = new ArrayList<>();
        try (WorkDir dir = new WorkDir("peerlift-bench-spread-")) {
            for (String mode : modes) {
                Path summary = dir.path().resolve(mode + ".json");
                List<String> command = List.of(repo.resolve("bin/demo").toString(), "--headless",
                        "--distribution", mode, "--subnets", "1", "--devices-per-subnet", String.valueOf(devices),
                        "--initial-peers-per-subnet", "1", "--package-mib", String.valueOf(packageMib),
                        "--upload-rate-mib", String.valueOf(uploadRateMib), "--install-seconds", "0",
                        "--reboot-seconds", "0", "--work-dir", dir.path().resolve(mode).toString(),
                        "--summary", summary.toString());
                System.out.println("==> " + String.join(" ", command));
                Process demo = new ProcessBuilder(command).directory(repo.toFile())
                        .redirectOutput(dir.path().resolve(mode + ".log").toFile()).redirectErrorStream(true).start();
                if (demo.waitFor() != 0) {
                    throw new IllegalStateException("the " + mode + " run failed; its log: "
                            + Files.readString(dir.path().resolve(mode + ".log")).lines()
                            .skip(Math.max(0, Files.readString(dir.path().resolve(mode + ".log")).lines().count() - 20))
                            .reduce("", (a, b) -> a + "\n" + b));
                }
                JsonNode subnet = new ObjectMapper().readTree(summary.toFile()).get("subnets").get(0);
                double measured = subnet.get("seconds").asDouble();
                rows.add(String.format(Locale.ROOT, "%-10s  %10.2f  %8.2f  %6.2f  %12.2f  %3d/%d", mode, measured,
                        tree, bound, measured / bound, subnet.get("upgraded").asInt(), toReach));
            }
        }
        System.out.printf(Locale.ROOT, "%nspread of %d MiB to %d devices (1 initial peer) at %d MiB/s upload each, %d chunks%n",
                packageMib, toReach, uploadRateMib, chunks);
        System.out.println("mode        measured s    T_tree s    T* s   measured/T*  upgraded");
        rows.forEach(System.out::println);
    }

    private static String stringOption(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
