package dev.queueworker.ai.internal.parse;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code size} bytes of ASCII text in numbered lines, made on the fly and the same every time: a large
 * document that never exists in memory or on disk. No commas, tabs or semicolons, which would make
 * Tika read it as CSV and lay it out as a table.
 */
final class GeneratedText extends InputStream {
    private final long size;
    private long position;
    private long row;
    private byte[] line = new byte[0];
    private int offset;

    GeneratedText(long size) {
        this.size = size;
    }

    /** Line {@code row}, such as {@code Line 000000042 tells of region 0 and widget 42 at 42.42 units}. */
    static byte[] line(long row) {
        // StringBuilder rather than String.format: millions of lines are made per document.
        return new StringBuilder(64).append("Line ").append(1_000_000_000L + row).deleteCharAt(5)
                .append(" tells of region ").append(row % 7).append(" and widget ").append(row % 10_007).append(" at ")
                .append(row % 9_973).append('.').append(row % 100).append(" units\n").toString()
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int off, int length) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        for (int i = 0; i < n; i++) {
            if (offset == line.length) {
                line = line(row);
                offset = 0;
                row++;
            }
            buffer[off + i] = line[offset++];
        }
        position += n;
        return n;
    }
}
