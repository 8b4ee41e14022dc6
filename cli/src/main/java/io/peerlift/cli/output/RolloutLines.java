package io.peerlift.cli.output;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** A rollout in a few lines of text, from rollout-service's JSON: one for the rollout, one bar per subnet. */
public final class RolloutLines {

    private static final int BAR_WIDTH = 24;
    private static final List<String> NOT_TARGETS = List.of("INELIGIBLE", "CURRENT");

    private RolloutLines() {
    }

    /** "rollout 1a2b3c4d RUNNING base-system 12.7.4  41/57 upgraded  failed 0  WAN 64.0 MiB (1.00 packages) ..." */
    public static String summary(JsonNode rollout) {
        JsonNode counts = rollout.path("deviceCounts");
        int targets = 0;
        for (var it = counts.fields(); it.hasNext(); ) {
            var count = it.next();
            if (!NOT_TARGETS.contains(count.getKey())) {
                targets += count.getValue().asInt();
            }
        }
        long packageBytes = rollout.path("packageBytes").asLong();
        long wan = rollout.path("wanBytes").asLong();
        String reason = rollout.path("stateReason").asText("");
        return String.format(Locale.ROOT, "rollout %s %s %s %s  %d/%d upgraded  failed %d  WAN %s (%.2f packages)  peers %s%s%s",
                shortId(rollout.path("id").asText()), rollout.path("state").asText(), rollout.path("app").asText(),
                rollout.path("version").asText(), counts.path("UPGRADED").asInt(), targets, counts.path("FAILED").asInt(),
                mib(wan), packageBytes == 0 ? 0.0 : (double) wan / packageBytes, mib(rollout.path("peerBytes").asLong()),
                elapsed(rollout), reason.isBlank() || reason.equals("null") ? "" : "  (" + reason + ")");
    }

    public static String subnet(JsonNode subnet) {
        JsonNode counts = subnet.path("deviceCounts");
        int devices = subnet.path("devices").asInt();
        int onTarget = counts.path("UPGRADED").asInt() + counts.path("CURRENT").asInt();
        int filled = devices == 0 ? 0 : Math.min(BAR_WIDTH, onTarget * BAR_WIDTH / devices);
        String waiting = subnet.path("waiting").asText("");
        return String.format(Locale.ROOT, "  %-16s [%s] %4d/%-4d on target  peers %3d  in flight %3d  WAN %d  peer %4d  rounds %d%s",
                subnet.path("subnet").asText(), "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled), onTarget, devices,
                subnet.path("peers").asInt(), subnet.path("downloadsInFlight").asInt(), subnet.path("wanDownloads").asInt(),
                subnet.path("peerDownloads").asInt(), subnet.path("rounds").asInt(),
                waiting.isBlank() || waiting.equals("null") ? "" : "  waiting: " + waiting);
    }

    private static String elapsed(JsonNode rollout) {
        if (!rollout.hasNonNull("startedAt")) {
            return "";
        }
        Instant start = Instant.parse(rollout.get("startedAt").asText());
        Instant end = rollout.hasNonNull("finishedAt") ? Instant.parse(rollout.get("finishedAt").asText()) : Instant.now();
        return String.format(Locale.ROOT, "  %.1f s", Duration.between(start, end).toMillis() / 1000.0);
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    public static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /** {@code "0 0 22 ? * MON-FRI" for 04:00:00 in Europe/Berlin}: a maintenance window as the services give it. */
    public static String window(JsonNode window) {
        return "\"" + window.path("schedule").asText() + "\" for " + window.path("duration").asText() + " in "
                + window.path("timeZone").asText();
    }
}
