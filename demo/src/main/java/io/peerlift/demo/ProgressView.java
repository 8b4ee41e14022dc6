package io.peerlift.demo;

import io.peerlift.events.RolloutStatus;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Live progress of a rollout in the terminal: one line for the rollout, one bar per subnet, redrawn in place
 * on a real terminal; on anything else (CI logs, --headless) a plain line whenever the numbers move.
 */
final class ProgressView implements AutoCloseable {

    private static final int BAR_WIDTH = 24;

    private final Terminal terminal;
    private final Display display;
    private final PrintStream plain;
    private String lastPlainLine = "";

    private ProgressView(Terminal terminal, PrintStream plain) {
        this.terminal = terminal;
        this.display = terminal == null ? null : new Display(terminal, false);
        this.plain = plain;
    }

    static ProgressView open(boolean headless, PrintStream out) {
        if (!headless && System.console() != null) {
            try {
                Terminal terminal = TerminalBuilder.builder().system(true).build();
                if (!Terminal.TYPE_DUMB.equals(terminal.getType())) {
                    return new ProgressView(terminal, out);
                }
                terminal.close();
            } catch (IOException | RuntimeException noTerminal) {
                // fall back to plain lines
            }
        }
        return new ProgressView(null, out);
    }

    void show(RolloutWatcher.Progress progress, String dashboardUrl) {
        if (display == null) {
            String line = summaryLine(progress.summary());
            if (!line.equals(lastPlainLine)) {
                plain.println(line);
                lastPlainLine = line;
            }
            return;
        }
        List<String> text = new ArrayList<>();
        text.add(summaryLine(progress.summary()));
        // As many subnets as the terminal has room for; the dashboard shows them all.
        int room = Math.max(1, terminal.getHeight() - 3);
        progress.subnets().stream().limit(room).forEach(subnet -> text.add(subnetLine(subnet)));
        if (progress.subnets().size() > room) {
            text.add("  ... and " + (progress.subnets().size() - room) + " more subnets");
        }
        text.add("Dashboard: " + dashboardUrl + "   (Ctrl-C stops everything)");
        // A line that wrapped would leave its tail behind on the next redraw: cut each to the terminal's width.
        int width = Math.max(20, terminal.getWidth() - 1);
        List<AttributedString> lines = text.stream()
                .map(line -> new AttributedString(line.length() > width ? line.substring(0, width) : line))
                .toList();
        display.resize(terminal.getHeight(), terminal.getWidth());
        display.update(lines, -1);
        terminal.flush();
    }

    static String summaryLine(RolloutStatus.Summary status) {
        int upgraded = status.deviceCounts().getOrDefault("UPGRADED", 0);
        int targets = status.deviceCounts().entrySet().stream()
                .filter(e -> !List.of("INELIGIBLE", "CURRENT").contains(e.getKey()))
                .mapToInt(java.util.Map.Entry::getValue).sum();
        return String.format(Locale.ROOT, "rollout %s %s %s %s  %d/%d upgraded  failed %d  WAN %s (%.2f packages)  peers %s  %s",
                shortId(status.rolloutId()), status.state(), status.app(), status.targetVersion(), upgraded, targets,
                status.deviceCounts().getOrDefault("FAILED", 0), mib(status.wanBytes()),
                status.packageBytes() == 0 ? 0.0 : (double) status.wanBytes() / status.packageBytes(),
                mib(status.peerBytes()), elapsed(status));
    }

    private static String subnetLine(RolloutStatus.SubnetStatus subnet) {
        int upgraded = subnet.deviceCounts().getOrDefault("UPGRADED", 0) + subnet.deviceCounts().getOrDefault("CURRENT", 0);
        int filled = subnet.devices() == 0 ? 0 : upgraded * BAR_WIDTH / subnet.devices();
        String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
        return String.format(Locale.ROOT, "  %-16s [%s] %3d/%-3d on target  peers %3d  in flight %3d  WAN %d  peer %3d  rounds %d%s",
                subnet.subnet(), bar, upgraded, subnet.devices(), subnet.peers(), subnet.downloadsInFlight(),
                subnet.wanDownloads(), subnet.peerDownloads(), subnet.rounds(),
                subnet.waiting() == null ? "" : "  waiting: " + subnet.waiting());
    }

    private static String elapsed(RolloutStatus.Summary status) {
        if (status.startedAt() == null) {
            return "";
        }
        Instant end = status.finishedAt() != null ? status.finishedAt() : Instant.now();
        return String.format(Locale.ROOT, "%.1f s", Duration.between(status.startedAt(), end).toMillis() / 1000.0);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    @Override
    public void close() throws IOException {
        if (terminal != null) {
            terminal.writer().println();
            terminal.close();
        }
    }
}
