package io.peerlift.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where results go: with {@link Format#json} exactly one JSON document on standard output (what the service
 * answered, or the command's own composition of it), with {@link Format#text} lines and aligned tables.
 * Messages about the work (progress, hints) go to standard error, so standard output stays the result.
 */
public final class Output {

    private final Format format;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ObjectMapper json;

    public Output(Format format, PrintWriter out, PrintWriter err, ObjectMapper json) {
        this.format = format;
        this.out = out;
        this.err = err;
        this.json = json;
    }

    public boolean isJson() {
        return format == Format.json;
    }

    public PrintWriter out() {
        return out;
    }

    public ObjectMapper mapper() {
        return json;
    }

    /** The result: {@code document} as JSON, or {@code text} (lines) for people. */
    public void result(JsonNode document, Runnable text) {
        if (isJson()) {
            try {
                out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            text.run();
        }
        out.flush();
    }

    public void line(String text) {
        out.println(text);
    }

    /** A note about the work on standard error, in both formats. */
    public void note(String text) {
        err.println(text);
        err.flush();
    }

    /** Columns padded to their widest cell; the last column is not padded. */
    public void table(List<String> headers, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        int[] widths = new int[headers.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(i == row.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** A field for a table cell: its text, or "-" when absent. */
    public static String cell(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }
}
