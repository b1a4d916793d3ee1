package dev.queueworker.reliability.faults;

import dev.queueworker.test.QueueWorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps each worker's output under {@code target/reliability-logs/}, so a failure (or a figure) can
 * be read against what the worker said, after the test's temporary directory is gone.
 */
final class WorkerLogs {
    private static final Path DIR = Path.of("target", "reliability-logs");

    private WorkerLogs() {
    }

    /** Writes {@code worker}'s output so far to {@code target/reliability-logs/<name>.log}. */
    static void keep(QueueWorkerProcess worker, String name) {
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(name + ".log"), worker.output());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
