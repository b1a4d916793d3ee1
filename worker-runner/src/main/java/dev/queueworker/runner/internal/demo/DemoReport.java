package dev.queueworker.runner.internal.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo did, as counted from the webhooks that arrived: a task counts as completed only
 * when its {@code completed} webhook arrived with a valid signature.
 *
 * @param tasks tasks submitted
 * @param completed tasks whose signed {@code completed} webhook arrived
 * @param failed tasks whose {@code failed} webhook arrived
 * @param missing tasks without a webhook when the demo ended
 * @param documents documents submitted for ingestion
 * @param documentsIngested documents ingested
 * @param formats the documents' formats (file extensions), in order of first appearance
 * @param chunks chunks stored, summed from the ingest results
 * @param webhooks webhooks received (duplicates not counted)
 * @param badSignatures webhooks whose signature did not verify
 * @param modelTime loading the local embedding model
 * @param tasksTime from starting the worker until the last webhook
 * @param total the whole demo
 * @param keptDataDir the data directory kept with {@code --keep}; null when deleted
 * @param finished whether every task reported before the deadline and no stop was requested
 * @param stopped whether a stop (SIGINT, SIGTERM) ended the wait
 */
public record DemoReport(int tasks, int completed, int failed, int missing, int documents, int documentsIngested,
        List<String> formats, int chunks, int webhooks, int badSignatures, Duration modelTime, Duration tasksTime,
        Duration total, Path keptDataDir, boolean finished, boolean stopped) {

    /** Where a newcomer goes next. */
    public static final List<String> NEXT = List.of(
            "Next: docs/getting-started.md - run the worker against Azurite with",
            "`queue-worker run` and send it tasks with `queue-worker submit`.");

    public DemoReport {
        formats = List.copyOf(formats);
    }

    /** Whether the demo showed the project working: every task completed, every webhook signed. */
    public boolean ok() {
        return finished && completed == tasks && badSignatures == 0;
    }

    /** The report as printed. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("Report");
        lines.add("  tasks       " + completed + " of " + tasks + " completed, " + failed + " failed"
                + (missing > 0 ? ", " + missing + " without an outcome" : ""));
        lines.add("  documents   " + documentsIngested + " of " + documents + " ingested (" + String.join(", ", formats)
                + "), " + chunks + " chunks stored");
        lines.add("  webhooks    " + (webhooks == 0 ? "none received" : webhooks + " received, "
                + (badSignatures == 0 ? "all signatures valid" : badSignatures + " with a bad signature")));
        lines.add("  time        " + Demo.seconds(total) + " in all: " + Demo.seconds(modelTime)
                + " loading the model, " + Demo.seconds(tasksTime) + " running the tasks");
        if (keptDataDir != null) {
            lines.add("  data        kept in " + keptDataDir + " (chunks.json)");
        }
        if (ok()) {
            lines.add("");
            lines.addAll(NEXT);
        }
        return lines;
    }
}
