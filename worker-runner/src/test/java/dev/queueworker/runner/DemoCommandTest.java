package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.core.WebhookSignature;
import dev.queueworker.runner.internal.cli.Cli;
import dev.queueworker.runner.internal.cli.CliContext;
import dev.queueworker.runner.internal.demo.Demo;
import dev.queueworker.runner.internal.demo.DemoReport;
import dev.queueworker.runner.internal.demo.DemoWebhookReceiver;
import dev.queueworker.runner.internal.demo.ProgressDisplay;
import dev.queueworker.runner.internal.demo.SampleDocuments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code queue-worker demo} in this JVM: the real SDK, the local model, the bundled samples. */
class DemoCommandTest {

    @TempDir
    Path workingDirectory;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void runsEveryTaskAndReportsEachSignedWebhook() throws IOException {
        int exit = demo();

        String output = output();
        assertThat(exit).as("exit code; output:%n%s%nerr:%n%s", output, errors()).isZero();
        // Five bundled samples (md, txt, html, pdf, docx) ingested, then one summary.
        assertThat(output).contains("  tasks       6 of 6 completed, 0 failed");
        Matcher documents = Pattern.compile("documents   5 of 5 ingested \\(md, txt, html, pdf, docx\\), (\\d+) chunks")
                .matcher(output);
        assertThat(documents.find()).as(output).isTrue();
        assertThat(Integer.parseInt(documents.group(1))).isGreaterThan(5);
        assertThat(output).contains("webhooks    6 received, all signatures valid");

        // One line per webhook, each completed and verified by the receiver.
        List<String> webhookLines = output.lines().filter(l -> l.contains("webhook <-")).toList();
        assertThat(webhookLines).hasSize(6).allSatisfy(line ->
                assertThat(line).contains("completed: ").endsWith(", signature valid"));
        for (String ingested : List.of("welcome.md", "operations-faq.txt", "southhaven-parking.html",
                "southhaven-library-lending.pdf", "southhaven-waste-collection.docx")) {
            assertThat(output).containsPattern("\\[\\d/6\\] ingest " + Pattern.quote(ingested) + "\\R"
                    + " +webhook <- completed: [1-9]\\d* chunks? in ");
        }
        assertThat(output).containsPattern("\\[6/6\\] summarize southhaven-parking\\.html\\R"
                + " +webhook <- completed: a \\d+-word summary \\(extractive\\)");

        // The summary and a question answered from the chunks of the right document.
        assertThat(output).contains("Summary of southhaven-parking.html (extractive");
        assertThat(output).containsPattern("best match: southhaven-library-lending\\.pdf, chunk \\d+, score 0\\.\\d\\d");
        assertThat(output).contains("Next: docs/getting-started.md");
        // Nothing written where it ran, no progress line rewriting into a captured stream.
        try (Stream<Path> files = Files.list(workingDirectory)) {
            assertThat(files).isEmpty();
        }
        assertThat(output).doesNotContain("\r");
    }

    @Test
    void ingestsTheFilesOfADirectoryAndAnswersTheGivenQuestion(@TempDir Path documents) throws IOException {
        Files.writeString(documents.resolve("beekeeping.txt"), "The beekeepers of Southhaven meet on the first Monday"
                + " of the month. Hives on allotments must stand at least five metres from any path.",
                StandardCharsets.UTF_8);
        Files.writeString(documents.resolve("ferry.md"), "# Ferry\n\nThe ferry to Gull Island leaves the quay every hour"
                + " from seven in the morning. Bicycles travel free.", StandardCharsets.UTF_8);

        int exit = demo("--documents", documents.toString(), "--question", "When does the ferry leave?", "--keep");

        String output = output();
        assertThat(exit).as("exit code; output:%n%s%nerr:%n%s", output, errors()).isZero();
        assertThat(output).contains("tasks       3 of 3 completed, 0 failed")
                .contains("documents   2 of 2 ingested (txt, md), 2 chunks stored")
                .contains("Summary of beekeeping.txt")
                .contains("best match: ferry.md, chunk 0");
        Matcher kept = Pattern.compile("data +kept in (.+) \\(chunks\\.json\\)").matcher(output);
        assertThat(kept.find()).as(output).isTrue();
        Path dataDir = Path.of(kept.group(1));
        try {
            assertThat(Files.readString(dataDir.resolve("chunks.json"))).contains("Gull Island");
        } finally {
            Files.deleteIfExists(dataDir.resolve("chunks.json"));
            Files.deleteIfExists(dataDir.resolve("chunks.lock")); // the file store's lock, released at exit
            Files.deleteIfExists(dataDir);
        }
    }

    @Test
    void aMissingDocumentsDirectoryIsAUsageError() {
        int exit = demo("--documents", "no-such-dir");

        assertThat(exit).isEqualTo(Cli.USAGE);
        assertThat(errors()).contains("--documents").contains("no-such-dir").contains("is not a directory");
        assertThat(output()).doesNotContain("Loading");
    }

    @Test
    void quietPrintsOnlyTheResults() {
        int exit = demo("--quiet");

        String output = output();
        assertThat(exit).as("exit code; output:%n%s%nerr:%n%s", output, errors()).isZero();
        assertThat(output).doesNotContain("webhook <-").doesNotContain("Loading")
                .contains("Summary of southhaven-parking.html").contains("tasks       6 of 6 completed, 0 failed");
    }

    @Test
    void tasksStillRunningAtTheDeadlineAreReportedAsWithoutAnOutcome() throws Exception {
        Demo demo = new Demo(new Demo.Settings(SampleDocuments.bundled(), true, SampleDocuments.SUMMARIZED_SAMPLE, null,
                false, Duration.ofMillis(1), 1), new ProgressDisplay(new PrintStream(out, true, StandardCharsets.UTF_8),
                ProgressDisplay.Mode.PLAIN), Clock.systemUTC());

        DemoReport report = demo.run();

        assertThat(report.finished()).isFalse();
        assertThat(report.ok()).isFalse();
        assertThat(report.missing()).isPositive();
        assertThat(report.completed() + report.missing()).isEqualTo(6);
        assertThat(output()).containsPattern("tasks       \\d of 6 completed, 0 failed, \\d without an outcome")
                .doesNotContain("Next:");
    }

    @Test
    void theReceiverAcceptsOnlyCorrectlySignedWebhooks() throws Exception {
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString("demo-secret-0123456789".getBytes());
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString("another-secret-012345".getBytes());
        List<DemoWebhookReceiver.Received> received = new CopyOnWriteArrayList<>();
        try (DemoWebhookReceiver receiver = DemoWebhookReceiver.start(secret, Clock.systemUTC(), received::add)) {
            byte[] body = "{\"task_id\":\"t1\",\"status\":\"completed\"}".getBytes(StandardCharsets.UTF_8);
            long now = Clock.systemUTC().instant().getEpochSecond();

            assertThat(post(receiver.url(), "msg_1", now, WebhookSignature.sign(other, "msg_1", now, body), body))
                    .isEqualTo(401);
            assertThat(post(receiver.url(), "msg_2", now - 3600, WebhookSignature.sign(secret, "msg_2", now - 3600, body),
                    body)).as("an old timestamp (a replay)").isEqualTo(401);
            assertThat(post(receiver.url(), "msg_3", now, WebhookSignature.sign(secret, "msg_3", now, body), body))
                    .isEqualTo(204);
            assertThat(post(receiver.url(), "msg_3", now, WebhookSignature.sign(secret, "msg_3", now, body), body))
                    .isEqualTo(204);
        }
        assertThat(received).extracting(DemoWebhookReceiver.Received::signatureValid).containsExactly(false, false, true, true);
        assertThat(received).extracting(DemoWebhookReceiver.Received::duplicate).containsExactly(false, false, false, true);
        assertThat(received.get(2).taskId()).isEqualTo("t1");
        assertThat(received.get(2).status()).isEqualTo("completed");
    }

    @Test
    void onATerminalTheStatusLineIsRewrittenInPlace() {
        ProgressDisplay display = new ProgressDisplay(new PrintStream(out, true, StandardCharsets.UTF_8),
                ProgressDisplay.Mode.LIVE);

        display.step("[1/2] ingest a-long-file-name.pdf");
        display.status("[1/2] ingest a-long-file-name.pdf ... embedded 3 of 9 chunks");
        display.status("[1/2] ingest short.md");
        display.line("done");

        String longer = "[1/2] ingest a-long-file-name.pdf ... embedded 3 of 9 chunks";
        String shorter = "[1/2] ingest short.md";
        assertThat(output()).isEqualTo("\r[1/2] ingest a-long-file-name.pdf"
                + "\r" + longer
                + "\r" + shorter + " ".repeat(longer.length() - shorter.length()) // blanks out the longer one's end
                + "\r" + " ".repeat(shorter.length()) + "\r" + "done" + System.lineSeparator());
    }

    private static int post(String url, String id, long timestamp, String signature, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int demo(String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "demo";
        System.arraycopy(options, 0, args, 1, options.length);
        CliContext context = new CliContext(Map.of(), workingDirectory, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return Cli.execute(context, args);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
