package io.peerlift.cli.output;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Live progress: on a terminal, lines redrawn in place (jline); anywhere else (a pipe, a CI log) a plain line on
 * standard error whenever the first line changes; with {@code --output json} nothing, as standard output holds
 * only the result.
 */
public final class Progress implements AutoCloseable {

    private static final long PLAIN_INTERVAL_NANOS = 2_000_000_000L;

    private final Terminal terminal;
    private final Display display;
    private final PrintWriter plain;
    private String lastLine = "";
    private long lastPlainAt;

    private Progress(Terminal terminal, PrintWriter plain) {
        this.terminal = terminal;
        this.display = terminal == null ? null : new Display(terminal, false);
        this.plain = plain;
    }

    /** A live view when standard output is a terminal and the format is text; plain lines (or none) otherwise. */
    public static Progress open(Output output, PrintWriter err) {
        if (output.isJson()) {
            return new Progress(null, null);
        }
        if (System.console() != null) {
            try {
                Terminal terminal = TerminalBuilder.builder().system(true).build();
                if (!Terminal.TYPE_DUMB.equals(terminal.getType())) {
                    return new Progress(terminal, err);
                }
                terminal.close();
            } catch (IOException | RuntimeException noTerminal) {
                // plain lines then
            }
        }
        return new Progress(null, err);
    }

    /** Redraws; plain lines only when the first line changed, at most one every two seconds unless {@code last}. */
    public void show(List<String> lines, boolean last) {
        if (lines.isEmpty()) {
            return;
        }
        if (display == null) {
            long now = System.nanoTime();
            boolean due = last || now - lastPlainAt > PLAIN_INTERVAL_NANOS;
            if (plain != null && due && !lines.get(0).equals(lastLine)) {
                plain.println(lines.get(0));
                plain.flush();
                lastLine = lines.get(0);
                lastPlainAt = now;
            }
            return;
        }
        // A line that wrapped would leave its tail behind on the next redraw: cut each to the terminal's width.
        int width = Math.max(20, terminal.getWidth() - 1);
        display.resize(terminal.getHeight(), terminal.getWidth());
        display.update(lines.stream()
                .map(line -> new AttributedString(line.length() > width ? line.substring(0, width) : line))
                .toList(), -1);
        terminal.flush();
    }

    /** A one-line bar: "uploading [#######-----] 58% 37.0 of 64.0 MiB". */
    public static String bar(String what, long done, long total) {
        int width = 30;
        int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
        return String.format(java.util.Locale.ROOT, "%s [%s] %3d%%  %s of %s", what, "#".repeat(filled)
                + "-".repeat(width - filled), total <= 0 ? 100 : done * 100 / total, RolloutLines.mib(done), RolloutLines.mib(total));
    }

    @Override
    public void close() {
        if (terminal != null) {
            terminal.writer().println();
            try {
                terminal.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
