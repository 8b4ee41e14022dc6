package io.peerlift.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU seconds (user + system) a process and its descendants used so far, read from /proc. */
final class ProcessCpu {

    /** Linux reports times in clock ticks of 1/100 s on every platform this runs on (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    static double seconds(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants()).mapToDouble(ProcessCpu::own).sum();
    }

    /** CPU seconds the JIT compiler threads of a JVM (HotSpot's "C1/C2 CompilerThread<n>") used so far; 0 for others. */
    static double jitSeconds(ProcessHandle process) {
        try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            return threads.mapToDouble(thread -> {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    return name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? ticks(stat) : 0;
                } catch (IOException | RuntimeException gone) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static double own(ProcessHandle process) {
        try {
            return ticks(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat")));
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** utime + stime of a /proc stat line, in seconds. */
    private static double ticks(String stat) {
        // Fields after the command name (which may hold spaces) start at state: utime is the 12th, stime the 13th.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
