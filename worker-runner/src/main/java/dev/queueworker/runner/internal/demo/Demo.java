package dev.queueworker.runner.internal.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.queueworker.ai.AiHandlers;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.ai.IngestHandler;
import dev.queueworker.ai.SummarizeHandler;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.OkHttpWebhookNotifier;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.runner.internal.demo.SampleDocuments.Sample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;

/**
 * {@code queue-worker demo}: the whole pipeline in one process with the real SDK and no external
 * service. Sample documents go into an {@link InMemoryDocumentStore}; one {@code ingest} message
 * per document and one {@code summarize} message go on an {@link InMemoryQueueProvider}, in the
 * message format of DESIGN.md; a {@link Worker} runs them with {@link AiHandlers} (the local
 * all-MiniLM-L6-v2 model, chunks in memory under a temporary data directory, the extractive
 * summarizer) and reports each outcome through an {@link OkHttpWebhookNotifier} signing with a
 * fresh secret to a {@link DemoWebhookReceiver} that checks the signature and prints what arrives.
 * The demo ends when every task's webhook has arrived, then shows the summary, answers a question
 * from the stored chunks and prints a {@link DemoReport}.
 */
public final class Demo {

    /** The document set every demo document goes into. */
    public static final String DOCUMENT_SET = "demo";
    /** The demo worker's client id. */
    public static final String CLIENT_ID = "demo";

    private static final int SUMMARY_WORDS = 60;
    private static final int TEXT_WIDTH = 76;

    /**
     * What to run.
     *
     * @param documents the documents to ingest; the first one named {@code summarized} is also summarized
     * @param bundled whether these are the bundled samples (so the sample question fits them)
     * @param summarized the file name of the document to summarize
     * @param question the question for the retrieval example; null for none
     * @param keepDataDir keep the temporary data directory (chunks.json) instead of deleting it
     * @param deadline how long the tasks may take before the demo gives up
     * @param concurrency tasks run at once
     */
    public record Settings(List<Sample> documents, boolean bundled, String summarized, String question,
            boolean keepDataDir, Duration deadline, int concurrency) {
        public Settings {
            documents = List.copyOf(documents);
            Objects.requireNonNull(summarized, "summarized");
            Objects.requireNonNull(deadline, "deadline");
        }
    }

    /** One task the demo submitted. */
    private record DemoTask(int number, int of, String id, String type, String filename) {
        String label() {
            return "[" + number + "/" + of + "] " + type + " " + filename;
        }
    }

    private final Settings settings;
    private final ProgressDisplay display;
    private final Clock clock;
    private final CountDownLatch wake = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private final Map<String, DemoTask> tasks = new LinkedHashMap<>();
    private final Map<String, DemoWebhookReceiver.Received> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger webhooksReceived = new AtomicInteger();
    private final AtomicInteger badSignatures = new AtomicInteger();

    public Demo(Settings settings, ProgressDisplay display, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.display = Objects.requireNonNull(display, "display");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Ends the wait for tasks early (SIGINT, SIGTERM); {@link #run()} then reports what it has. */
    public void stop() {
        stopRequested = true;
        wake.countDown();
    }

    /** Runs the demo and returns its report; the caller decides the exit code from it. */
    public DemoReport run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path dataDir = Files.createTempDirectory("queue-worker-demo-");
        String secret = "whsec_" + Base64.getEncoder().encodeToString(randomBytes(32));
        OkHttpClient http = new OkHttpClient();
        try (DemoWebhookReceiver receiver = DemoWebhookReceiver.start(secret, clock, this::webhookArrived)) {
            List<String> messages = plan(receiver.url());
            introduce(receiver.url(), messages.get(0));

            display.step("Loading the local embedding model (all-MiniLM-L6-v2) ...");
            long modelStart = System.nanoTime();
            AiSettings aiSettings = AiSettings.builder()
                    .clientId(CLIENT_ID)
                    .embeddingProvider(AiSettings.EmbeddingProvider.LOCAL)
                    .vectorStore(AiSettings.VectorStore.MEMORY)
                    .summarizer(AiSettings.Summarizer.EXTRACTIVE)
                    .dataDir(dataDir)
                    .build();
            try (AiHandlers ai = AiHandlers.create(aiSettings)) {
                Duration modelTime = since(modelStart);
                display.line("Loaded the local embedding model in " + seconds(modelTime) + ".");

                InMemoryDocumentStore documents = new InMemoryDocumentStore();
                for (Sample sample : settings.documents()) {
                    documents.put(sample.filename(), new ByteArrayInputStream(sample.content()),
                            sample.content().length, sample.contentType());
                }
                InMemoryQueueProvider queue = new InMemoryQueueProvider();
                for (String message : messages) {
                    queue.send(message, Duration.ZERO);
                }
                display.line("Submitted " + messages.size() + " tasks; the worker takes them off the queue:");

                long tasksStart = System.nanoTime();
                if (stopRequested) {
                    return report(false, modelTime, Duration.ZERO, since(start), dataDir);
                }
                boolean finished;
                try (Worker worker = Worker.builder()
                        .queue(queue)
                        .documents(documents)
                        .handlers(ai.handlers())
                        .notifier(OkHttpWebhookNotifier.builder()
                                .okHttpClient(http)
                                .secret(secret)
                                .allowedHosts(List.of("127.0.0.1"))
                                .maxAttempts(2)
                                .initialBackoff(Duration.ofMillis(200))
                                .build())
                        .options(workerOptions())
                        .listener(new Progress())
                        .build()
                        .start()) {
                    finished = wake.await(settings.deadline().toMillis(), TimeUnit.MILLISECONDS) && !stopRequested;
                }
                Duration tasksTime = since(tasksStart);
                display.clearStatus();

                if (finished) {
                    showSummary();
                    showAnswer(ai);
                }
                return report(finished, modelTime, tasksTime, since(start), dataDir);
            }
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
            if (!settings.keepDataDir()) {
                deleteRecursively(dataDir);
            }
        }
    }

    // ------------------------------------------------------------------ the tasks

    /** Numbers the tasks and writes their messages: one ingest per document, then one summarize. */
    private List<String> plan(String webhookUrl) {
        int total = settings.documents().size() + 1;
        List<String> messages = new ArrayList<>();
        int number = 0;
        for (Sample sample : settings.documents()) {
            messages.add(message(new DemoTask(++number, total, UUID.randomUUID().toString(),
                    IngestHandler.TASK_TYPE, sample.filename()), webhookUrl));
        }
        messages.add(message(new DemoTask(++number, total, UUID.randomUUID().toString(),
                SummarizeHandler.TASK_TYPE, settings.summarized()), webhookUrl));
        return messages;
    }

    private String message(DemoTask task, String webhookUrl) {
        tasks.put(task.id(), task);
        TaskMessage.Builder message = TaskMessage.builder(task.type()).taskId(task.id())
                .put("filename", task.filename())
                .put("document_set", DOCUMENT_SET)
                .webhookUrl(webhookUrl);
        if (task.type().equals(SummarizeHandler.TASK_TYPE)) {
            message.put("max_words", SUMMARY_WORDS);
        }
        return message.build().toJson();
    }

    private WorkerOptions workerOptions() {
        return WorkerOptions.builder()
                .clientId(CLIENT_ID)
                .maxMessages(settings.concurrency())
                .pollingInterval(Duration.ofMillis(200))
                .minPollingInterval(Duration.ofMillis(20))
                .retryBaseDelay(Duration.ofSeconds(1))
                .retryMaxDelay(Duration.ofSeconds(5))
                .maxDequeueCount(3)
                .shutdownTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** On the receiver's thread: shows the webhook and ends the wait once every task has one. */
    private void webhookArrived(DemoWebhookReceiver.Received webhook) {
        if (webhook.duplicate()) {
            return;
        }
        webhooksReceived.incrementAndGet();
        DemoTask task = webhook.taskId() == null ? null : tasks.get(webhook.taskId());
        if (!webhook.signatureValid()) {
            badSignatures.incrementAndGet();
            display.line((task == null ? "[?]" : task.label()) + "  webhook <- REJECTED: the signature does not"
                    + " match (answered 401)");
        } else if (task == null) {
            display.line("[?] webhook <- for a task the demo did not submit: " + webhook.taskId());
            return;
        } else {
            if (display.mode() == ProgressDisplay.Mode.LIVE) {
                display.line(task.label());
            }
            display.line("      webhook <- " + describe(task, webhook) + ", signature valid");
        }
        if (task != null && outcomes.putIfAbsent(task.id(), webhook) == null && outcomes.size() == tasks.size()) {
            wake.countDown();
        }
    }

    private static String describe(DemoTask task, DemoWebhookReceiver.Received webhook) {
        JsonNode result = webhook.result();
        String took = result.has("duration_ms") ? " in " + brief(Duration.ofMillis(result.path("duration_ms").asLong()))
                : "";
        if (!"completed".equals(webhook.status())) {
            JsonNode error = webhook.body() == null ? null : webhook.body().path("error");
            String why = error == null || error.isMissingNode() || error.isNull() ? "no reason given"
                    : error.path("type").asText() + ": " + error.path("message").asText();
            return webhook.status() + ": " + why;
        }
        if (task.type().equals(IngestHandler.TASK_TYPE)) {
            int chunks = result.path("chunks").asInt();
            return "completed: " + chunks + (chunks == 1 ? " chunk" : " chunks") + took;
        }
        return "completed: a " + words(result.path("summary").asText()) + "-word summary ("
                + result.path("method").asText("?") + ")" + took;
    }

    /** Shows the engine's side: which task runs and how far it got. */
    private final class Progress implements WorkerListener {
        @Override
        public void taskStarted(Task task) {
            DemoTask t = tasks.get(task.id());
            if (t != null) {
                display.step(t.label() + (task.attempt() > 1 ? " (attempt " + task.attempt() + ")" : ""));
            }
        }

        @Override
        public void taskProgress(Task task, double fraction, String message) {
            DemoTask t = tasks.get(task.id());
            if (t != null) {
                display.status(t.label() + " ... " + message);
            }
        }

        @Override
        public void taskRetryScheduled(Task task, Throwable error, Duration delay) {
            DemoTask t = tasks.get(task.id());
            String why = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
            display.line((t == null ? task.id() : t.label()) + ": attempt " + task.attempt() + " failed (" + why
                    + "); trying again in " + seconds(delay));
        }

        @Override
        public void webhookDelivered(WebhookEvent event, WebhookDelivery delivery) {
            if (!delivery.delivered()) {
                DemoTask t = tasks.get(event.taskId());
                display.line((t == null ? event.taskId() : t.label()) + ": webhook not delivered ("
                        + delivery.outcome().name().toLowerCase(Locale.ROOT) + ": " + delivery.detail() + ")");
                if (t != null && delivery.outcome() != WebhookDelivery.Outcome.RETRY_LATER) {
                    // Refused or rejected: it will not come, so stop waiting for it.
                    outcomes.putIfAbsent(t.id(), new DemoWebhookReceiver.Received(null, null, false, false));
                    if (outcomes.size() == tasks.size()) {
                        wake.countDown();
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ what it shows

    private void introduce(String webhookUrl, String firstMessage) {
        List<Sample> docs = settings.documents();
        LinkedHashSet<String> formats = new LinkedHashSet<>();
        docs.forEach(d -> formats.add(d.format()));
        display.line("queue-worker demo: the whole pipeline in this process, no external service.");
        display.line("  queue       in memory, client \"" + CLIENT_ID + "\": " + docs.size()
                + (docs.size() == 1 ? " ingest task" : " ingest tasks") + " and 1 summarize task");
        display.line("  documents   " + docs.size() + (settings.bundled() ? " bundled samples (" : " files (")
                + String.join(", ", formats) + ") in an in-memory document store");
        display.line("  embeddings  all-MiniLM-L6-v2 in this process; chunks kept in memory");
        display.line("  summaries   extractive: the document's most central sentences, no language model");
        display.line("  webhooks    " + webhookUrl + ", signed (Standard Webhooks) with a fresh secret");
        display.line("A task is one queue message, as a frontend would send it:");
        display.line("  " + firstMessage);
        display.line("");
    }

    private void showSummary() {
        for (DemoTask task : tasks.values()) {
            DemoWebhookReceiver.Received webhook = outcomes.get(task.id());
            if (task.type().equals(SummarizeHandler.TASK_TYPE) && webhook != null
                    && "completed".equals(webhook.status())) {
                display.result("");
                display.result("Summary of " + task.filename() + " (" + webhook.result().path("method").asText()
                        + ", at most " + SUMMARY_WORDS + " words):");
                wrap(webhook.result().path("summary").asText(), "  ").forEach(display::result);
            }
        }
    }

    /** The value of the stored chunks: a question answered by the nearest one. */
    private void showAnswer(AiHandlers ai) {
        if (settings.question() == null || settings.question().isBlank()) {
            return;
        }
        Embedding query = ai.embeddingModel().embed(settings.question()).content();
        List<EmbeddingMatch<TextSegment>> matches = ai.embeddingStore().search(EmbeddingSearchRequest.builder()
                .queryEmbedding(query).maxResults(1).build()).matches();
        display.result("");
        display.result("Ask the stored chunks: \"" + settings.question() + "\"");
        if (matches.isEmpty() || matches.get(0).embedded() == null) {
            display.result("  no chunk matches");
            return;
        }
        EmbeddingMatch<TextSegment> best = matches.get(0);
        TextSegment segment = best.embedded();
        String filename = segment.metadata().getString("filename");
        Integer index = segment.metadata().getInteger("chunk_index");
        display.result(String.format(Locale.ROOT, "  best match: %s, chunk %s, score %.2f", filename,
                index == null ? "?" : index.toString(), best.score()));
        wrap("\"" + snippet(segment.text(), 280) + "\"", "  ").forEach(display::result);
    }

    private DemoReport report(boolean finished, Duration modelTime, Duration tasksTime, Duration total, Path dataDir) {
        int completed = 0;
        int failed = 0;
        int chunks = 0;
        int documentsIngested = 0;
        for (DemoTask task : tasks.values()) {
            DemoWebhookReceiver.Received webhook = outcomes.get(task.id());
            if (webhook == null || webhook.body() == null) {
                continue;
            }
            if ("completed".equals(webhook.status()) && webhook.signatureValid()) {
                completed++;
                if (task.type().equals(IngestHandler.TASK_TYPE)) {
                    documentsIngested++;
                    chunks += webhook.result().path("chunks").asInt();
                }
            } else if ("failed".equals(webhook.status())) {
                failed++;
            }
        }
        LinkedHashSet<String> formats = new LinkedHashSet<>();
        settings.documents().forEach(d -> formats.add(d.format()));
        DemoReport report = new DemoReport(tasks.size(), completed, failed, tasks.size() - outcomes.size(),
                settings.documents().size(), documentsIngested, List.copyOf(formats), chunks,
                webhooksReceived.get(), badSignatures.get(), modelTime, tasksTime, total,
                settings.keepDataDir() ? dataDir : null, finished, stopRequested);
        display.result("");
        report.lines().forEach(display::result);
        return report;
    }

    // ------------------------------------------------------------------ helpers

    static List<String> wrap(String text, String indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.strip().split("\\s+")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > TEXT_WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > indent.length()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static String snippet(String text, int max) {
        String flat = text.strip().replaceAll("\\s+", " ");
        if (flat.length() <= max) {
            return flat;
        }
        int cut = flat.lastIndexOf(' ', max);
        return flat.substring(0, cut > max / 2 ? cut : max) + " ...";
    }

    private static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** A task's time: milliseconds under a second, else seconds. */
    static String brief(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : seconds(d);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static Duration since(long nanoStart) {
        return Duration.ofNanos(System.nanoTime() - nanoStart);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the demo's data directory " + dir + " failed", e);
        }
    }
}
