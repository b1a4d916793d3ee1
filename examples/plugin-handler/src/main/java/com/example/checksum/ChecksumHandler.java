package com.example.checksum;

import dev.queueworker.api.Document;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the SHA-256 of a document in the worker's document store, streaming it, and optionally
 * checks it against the digest the uploader expected — a check that an upload arrived intact
 * before anything else uses it.
 *
 * <p>Message: {@code {"task_type": "checksum", "payload": {"filename": "uploads/report.pdf",
 * "expected_sha256": "9f86d0…"}}} ({@code expected_sha256} optional, 64 hex digits). Result:
 * {@code {"filename": "uploads/report.pdf", "sha256": "9f86d0…", "bytes": 1234, "matches": true}}
 * ({@code matches} only when a digest was expected).
 *
 * <p>A missing document, a malformed {@code expected_sha256} and a mismatch are permanent failures
 * (poison queue, {@code failed} webhook): reading again would give the same bytes. An I/O error
 * while reading is retried. Stateless and thread-safe; idempotent, since it only reads.
 */
public final class ChecksumHandler implements TaskHandler {

    public static final String TASK_TYPE = "checksum";

    private static final Logger log = LoggerFactory.getLogger(ChecksumHandler.class);
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final HexFormat HEX = HexFormat.of();

    @Override
    public String taskType() {
        return TASK_TYPE;
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) {
        String filename = task.requireString("filename");
        Optional<String> expected = task.optionalString("expected_sha256").map(ChecksumHandler::checkDigest);

        try (Document document = context.documents().open(filename)) {
            MessageDigest sha256 = sha256();
            long bytes = 0;
            byte[] buffer = new byte[BUFFER_BYTES];
            InputStream in = document.content();
            int n;
            int lastTenth = 0;
            while ((n = in.read(buffer)) != -1) {
                context.throwIfCancelled();
                sha256.update(buffer, 0, n);
                bytes += n;
                int tenth = document.size() > 0 ? (int) Math.min(10, bytes * 10 / document.size()) : 0;
                if (tenth > lastTenth) { // at most ten progress reports, however large the document
                    lastTenth = tenth;
                    context.reportProgress(tenth / 10.0, "read " + bytes + " bytes of " + filename);
                }
            }
            String digest = HEX.formatHex(sha256.digest());
            if (expected.isPresent() && !expected.get().equals(digest)) {
                throw new PermanentException("checksum mismatch for " + filename + ": expected " + expected.get()
                        + ", was " + digest);
            }
            log.info("Checksum of {}: {} ({} bytes)", filename, digest, bytes);
            var data = TaskResult.newData().put("filename", filename).put("sha256", digest).put("bytes", bytes);
            expected.ifPresent(e -> data.put("matches", true));
            return TaskResult.of(data);
        } catch (IOException e) {
            throw new RetryableException("reading " + filename + " failed", e);
        }
    }

    private static String checkDigest(String value) {
        String digest = value.toLowerCase(Locale.ROOT);
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new InvalidTaskException("payload.expected_sha256", "must be 64 hexadecimal digits");
        }
        return digest;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
