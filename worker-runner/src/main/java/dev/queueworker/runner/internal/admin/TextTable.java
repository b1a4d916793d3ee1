package dev.queueworker.runner.internal.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table for a terminal: columns padded to their widest cell, the last column left
 * ragged, and optional note lines (such as a hint) under a row, starting where the last column
 * starts. Cells are kept on one line: line breaks and tabs become spaces.
 *
 * <pre>
 * CHECK      RESULT  DETAIL
 * queue      FAIL    southhaven-tasks: connection refused
 *                    hint: is Azure Storage reachable?
 * </pre>
 */
public final class TextTable {

    private static final String GAP = "  ";

    private final String[] headers;
    private final List<Row> rows = new ArrayList<>();

    public TextTable(String... headers) {
        if (headers.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.headers = headers.clone();
    }

    /** Adds a row; missing trailing cells are empty, extra ones are refused. */
    public TextTable row(String... cells) {
        if (cells.length > headers.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + headers.length
                    + " columns");
        }
        String[] full = new String[headers.length];
        Arrays.fill(full, "");
        for (int i = 0; i < cells.length; i++) {
            full[i] = oneLine(cells[i]);
        }
        rows.add(new Row(full, new ArrayList<>()));
        return this;
    }

    /** Adds a note line under the last row, aligned with the last column. */
    public TextTable note(String text) {
        if (rows.isEmpty()) {
            throw new IllegalStateException("a note belongs under a row; add one first");
        }
        rows.get(rows.size() - 1).notes().add(oneLine(text));
        return this;
    }

    /** The table, one line per row and note, each ending with a line break. */
    public String render() {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (Row row : rows) {
                widths[i] = Math.max(widths[i], row.cells()[i].length());
            }
        }
        int lastColumnStart = 0;
        for (int i = 0; i < headers.length - 1; i++) {
            lastColumnStart += widths[i] + GAP.length();
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        for (Row row : rows) {
            line(out, row.cells(), widths);
            for (String note : row.notes()) {
                out.append(" ".repeat(lastColumnStart)).append(note).append('\n');
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(widths[i] - cells[i].length())).append(GAP);
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    /** {@code text} cut to {@code max} characters, ending with an ellipsis when cut. */
    public static String truncate(String text, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        String line = oneLine(text);
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n\\t]+", " ").strip();
    }

    private record Row(String[] cells, List<String> notes) {
    }
}
