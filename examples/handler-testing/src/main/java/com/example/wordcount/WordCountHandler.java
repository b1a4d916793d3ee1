package com.example.wordcount;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.api.Document;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Counts the words and lines of a UTF-8 text document.
 *
 * <p>Message: {@code {"task_type": "word-count", "payload": {"filename": "notes/a.txt", "max_bytes": 1048576}}}
 * ({@code max_bytes} is optional). Result: {@code {"filename": "notes/a.txt", "words": 42, "lines": 3}}.
 *
 * <p>The document is streamed in small chunks, never read into one string. A word is a run of
 * non-whitespace characters; a line is ended by {@code \n}, and a last line without one still counts.
 *
 * <p>Failures: a missing document ({@code DocumentNotFoundException}), a bad payload and a document
 * over {@code max_bytes} are permanent (poison queue, {@code failed} webhook); an I/O error while
 * reading is retried.
 *
 * <p>Stateless, so one instance safely serves concurrent tasks; idempotent, since it only reads.
 */
public final class WordCountHandler implements TaskHandler {

    public static final String TASK_TYPE = "word-count";

    private static final int BUFFER_CHARS = 8192;

    @Override
    public String taskType() {
        return TASK_TYPE;
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) {
        String filename = task.requireString("filename");
        long maxBytes = maxBytes(task);

        // open() throws DocumentNotFoundException (a PermanentException) when there is no such document.
        try (Document document = context.documents().open(filename)) {
            if (document.size() > maxBytes) {
                throw tooLarge(filename, document.size(), maxBytes);
            }
            context.reportProgress(0.0, "counting words in " + filename);
            Counts counts = count(document, maxBytes, context);
            context.reportProgress(1.0, "counted " + counts.words + " words in " + filename);
            return TaskResult.of(TaskResult.newData()
                    .put("filename", filename)
                    .put("words", counts.words)
                    .put("lines", counts.lines));
        }
    }

    /** The optional {@code max_bytes}: a positive whole number; no limit when absent. */
    private static long maxBytes(Task task) {
        JsonNode node = task.payload().get("max_bytes");
        if (node == null || node.isNull()) {
            return Long.MAX_VALUE;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1) {
            throw new InvalidTaskException("payload.max_bytes", "must be a positive whole number, was " + node);
        }
        return node.longValue();
    }

    private static PermanentException tooLarge(String filename, long size, long maxBytes) {
        return new PermanentException("document " + filename + " is larger than max_bytes: " + size + " > "
                + maxBytes + " bytes");
    }

    private static final class Counts {
        long words;
        long lines;
    }

    private static Counts count(Document document, long maxBytes, TaskContext context) {
        long size = document.size();
        CountingInputStream bytes = new CountingInputStream(document.content());
        Reader reader = new InputStreamReader(bytes, StandardCharsets.UTF_8);
        Counts counts = new Counts();
        char[] buffer = new char[BUFFER_CHARS];
        boolean inWord = false;
        boolean lineOpen = false; // characters seen since the last '\n'
        int lastTenth = 0;
        try {
            int n;
            while ((n = reader.read(buffer)) != -1) {
                context.throwIfCancelled();
                // The store's size is known up front, but guard the stream too in case it was wrong.
                if (bytes.count() > maxBytes) {
                    throw tooLarge(document.name(), bytes.count(), maxBytes);
                }
                for (int i = 0; i < n; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        counts.lines++;
                        lineOpen = false;
                    } else {
                        lineOpen = true;
                    }
                    boolean space = Character.isWhitespace(c);
                    if (!space && !inWord) {
                        counts.words++;
                    }
                    inWord = !space;
                }
                if (size > 0) {
                    int tenth = (int) Math.min(9, bytes.count() * 10 / size);
                    if (tenth > lastTenth) {
                        lastTenth = tenth;
                        context.reportProgress(bytes.count() / (double) size, "read " + bytes.count() + " of " + size
                                + " bytes");
                    }
                }
            }
        } catch (IOException e) {
            throw new RetryableException("reading document " + document.name() + " failed", e);
        }
        if (lineOpen) {
            counts.lines++;
        }
        return counts;
    }

    /** Counts the bytes read through it, for progress and the size limit. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b != -1) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
