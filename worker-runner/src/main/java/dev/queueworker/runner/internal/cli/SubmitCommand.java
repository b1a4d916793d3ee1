package dev.queueworker.runner.internal.cli;

import dev.queueworker.runner.internal.admin.AdminConnections;
import dev.queueworker.runner.internal.admin.LibraryLogs;
import dev.queueworker.runner.internal.admin.Submitter;
import dev.queueworker.runner.internal.admin.TaskRefusedException;
import dev.queueworker.runner.internal.admin.UsageException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code queue-worker submit}: upload a document and queue a task, as a frontend does. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Does what a frontend does: uploads FILE through the configured document store (Azure Blob,"
            + " or DOCUMENTS_DIR), under the name the worker will read (BLOB_NAME_TEMPLATE), then puts the task"
            + " message on {CLIENT_ID}-tasks (encoded as QUEUE_MESSAGE_ENCODING says).",
            "Before anything is sent, the task is checked as the worker would: the message's rules, the"
            + " handler's payload rules, and the webhook policy for --webhook-url.",
            "Prints only the task id on standard output, so a script can keep it:",
            "  id=$(queue-worker submit ingest --file report.pdf --document-set policies)",
            "--raw BODY puts BODY on the queue exactly as given, unchecked, to try how the worker treats it.",
            "Needs a shared queue: QUEUE_PROVIDER=mock is refused."},
        footer = {"", "Exit codes: 0 queued; 1 Azure Storage or the document store failed; 2 bad options or"
            + " configuration, or a task the worker would refuse (nothing queued)."})
final class SubmitCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE",
            description = "The task type: ingest, summarize, or a plugin's. Not with --raw.")
    String taskType;

    @Option(names = "--file", paramLabel = "FILE",
            description = "The document to upload; the payload's filename is its name. Optional for types that"
                + " read no document.")
    Path file;

    @Option(names = "--document-set", paramLabel = "SET",
            description = "The payload's document_set (ingest and summarize need one with --file).")
    String documentSet;

    @Option(names = "--webhook-url", paramLabel = "URL",
            description = "Where the worker reports the outcome; default: the worker's WEBHOOK_URL.")
    String webhookUrl;

    @Option(names = "--payload", paramLabel = "JSON",
            description = "More payload fields, as a JSON object, such as '{\"max_words\": 200}'.")
    String payload;

    @Option(names = "--task-id", paramLabel = "ID", description = "The task id; default: a random UUID.")
    String taskId;

    @Option(names = "--raw", paramLabel = "BODY",
            description = "Put BODY on the queue exactly as given (not checked, not encoded), instead of a message"
                + " built from TYPE and the options; for trying the poison flow.")
    String raw;

    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    private final CliContext context;

    SubmitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (raw != null && (taskType != null || file != null || documentSet != null || webhookUrl != null
                || payload != null || taskId != null)) {
            throw new ParameterException(spec.commandLine(), "--raw takes the whole body: give no TYPE or other"
                    + " option with it");
        }
        if (raw == null && taskType == null) {
            throw new ParameterException(spec.commandLine(), "give TYPE (such as ingest), or --raw BODY");
        }
        RunnerConfig config = configOptions.load(context);
        LibraryLogs.quiet(config.logLevel());
        OkHttpClient http = new OkHttpClient();
        try {
            Submitter.Submitted submitted = raw != null ? Submitter.submitRaw(config, raw, http)
                    : Submitter.submit(config, new Submitter.Request(taskType, file, documentSet, webhookUrl, payload,
                            taskId), context.workingDirectory(), http);
            context.out().println(submitted.taskId());
            for (String note : submitted.notes()) {
                context.err().println("queue-worker: note: " + note);
            }
            context.err().println("queue-worker: " + (raw != null ? "raw message " + submitted.messageId()
                    : "task " + submitted.taskId() + " (" + taskType + ")") + " queued on " + submitted.queueName()
                    + (submitted.documentName() == null ? "" : " with document " + submitted.documentName()));
            return Cli.OK;
        } catch (UsageException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (TaskRefusedException e) {
            context.err().println("queue-worker: " + e.getMessage());
            return Cli.USAGE;
        } finally {
            AdminConnections.close(http);
        }
    }
}
