package dev.queueworker.runner.internal.cli;

import dev.queueworker.runner.internal.demo.Demo;
import dev.queueworker.runner.internal.demo.DemoReport;
import dev.queueworker.runner.internal.demo.ProgressDisplay;
import dev.queueworker.runner.internal.demo.SampleDocuments;
import dev.queueworker.runner.internal.demo.SampleDocuments.Sample;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code queue-worker demo}: the whole pipeline in one process, on embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows queue-worker working, in this process and with no external service: sample documents"
            + " (Markdown, text, HTML, PDF, Word) go on an in-memory queue as ingest tasks plus one summarize task;"
            + " the worker parses them, embeds the chunks with the local all-MiniLM-L6-v2 model and stores them in"
            + " memory; a local webhook receiver checks the signature of each outcome and prints it. Ends with the"
            + " summary, an answer found in the stored chunks, and a report. Exit 0 when every task completed.",
            "",
            "Ignores the configuration (environment, .env): the demo always runs on these embedded defaults and"
            + " writes nothing to the working directory."})
final class DemoCommand implements Callable<Integer> {

    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @Spec
    CommandSpec spec;

    @Option(names = "--documents", paramLabel = "DIR",
            description = "Ingest the files of DIR (at most " + SampleDocuments.MAX_FILES + ") instead of the"
                + " bundled samples; the first one is summarized.")
    Path documents;

    @Option(names = "--question", paramLabel = "TEXT",
            description = "The question to answer from the stored chunks. Default for the samples: \""
                + SampleDocuments.SAMPLE_QUESTION + "\"; none with --documents.")
    String question;

    @Option(names = "--keep", description = "Keep the temporary data directory (chunks.json) and print where it is.")
    boolean keep;

    @Option(names = {"-q", "--quiet"}, description = "Print only the results and the report, no progress.")
    boolean quiet;

    private final CliContext context;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        List<Sample> samples;
        String summarized;
        if (documents != null) {
            try {
                samples = SampleDocuments.fromDirectory(context.workingDirectory().resolve(documents));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            summarized = samples.get(0).filename();
        } else {
            samples = SampleDocuments.bundled();
            summarized = SampleDocuments.SUMMARIZED_SAMPLE;
            if (question == null) {
                question = SampleDocuments.SAMPLE_QUESTION;
            }
        }
        // One task at a time: the progress reads as a story, and the model uses both cores anyway.
        Demo demo = new Demo(new Demo.Settings(samples, documents == null, summarized, question, keep, DEADLINE, 1),
                new ProgressDisplay(context.out(), mode()), Clock.systemUTC());
        context.onStop(demo::stop);
        DemoReport report = demo.run();
        if (report.ok()) {
            return Cli.OK;
        }
        if (report.stopped()) {
            throw new CommandFailedException("demo stopped before every task reported");
        }
        if (!report.finished()) {
            throw new CommandFailedException("demo: " + report.missing() + " of " + report.tasks()
                    + " tasks had no outcome within " + DEADLINE.toMinutes() + " minutes");
        }
        if (report.badSignatures() > 0) {
            throw new CommandFailedException("demo: " + report.badSignatures() + " webhooks had a bad signature");
        }
        throw new CommandFailedException("demo: " + (report.tasks() - report.completed()) + " of " + report.tasks()
                + " tasks did not complete (see the lines above)");
    }

    private ProgressDisplay.Mode mode() {
        if (quiet) {
            return ProgressDisplay.Mode.QUIET;
        }
        // A live line only on a terminal, and only when printing to it (not in a test's capture).
        return context.out() == System.out && System.console() != null ? ProgressDisplay.Mode.LIVE
                : ProgressDisplay.Mode.PLAIN;
    }
}
