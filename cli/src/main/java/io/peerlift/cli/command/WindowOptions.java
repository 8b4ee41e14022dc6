package io.peerlift.cli.command;

import io.peerlift.cli.CliException;
import io.peerlift.cli.ExitCode;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --window-cron}, {@code --window-duration} and {@code --window-zone}: a maintenance window (hawkBit's, as
 * the REST field {@code maintenanceWindow {schedule, duration, timeZone}}) on a rollout or a folder. The services
 * validate it; a malformed part is their 400 (exit code 6), naming it.
 */
public final class WindowOptions {

    @Option(names = "--window-cron", paramLabel = "CRON", description = "The window's openings: a Quartz cron "
            + "expression, seconds first, e.g. \"0 0 22 ? * MON-FRI\" (22:00 on weekdays).")
    String cron;

    @Option(names = "--window-duration", paramLabel = "HH:mm:ss", description = "How long each opening lasts, "
            + "e.g. 04:00:00.")
    String duration;

    @Option(names = "--window-zone", paramLabel = "ZONE", description = "The time zone the openings are read in "
            + "(IANA, e.g. Europe/Berlin, or an offset such as +01:00); on a folder, the folder's time zone.")
    String zone;

    /** Whether a window was given: its schedule or its duration (both are needed). */
    boolean hasWindow() {
        if ((cron == null) != (duration == null)) {
            throw new CliException(ExitCode.USAGE, "a maintenance window needs both --window-cron and "
                    + "--window-duration");
        }
        return cron != null;
    }

    /** A rollout's {@code maintenanceWindow}, or null when none was given. */
    Map<String, Object> rolloutWindow() {
        if (!hasWindow()) {
            if (zone != null) {
                throw new CliException(ExitCode.USAGE, "--window-zone needs --window-cron and --window-duration");
            }
            return null;
        }
        Map<String, Object> window = folderWindow();
        window.put("timeZone", zone);
        return window;
    }

    /** A folder's own {@code maintenanceWindow} (its zone is the folder's {@code timeZone}), or null. */
    Map<String, Object> folderWindow() {
        if (!hasWindow()) {
            return null;
        }
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("schedule", cron);
        window.put("duration", duration);
        return window;
    }
}
