package dev.queueworker.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.pgvector.DefaultMetadataStorageConfig;
import dev.langchain4j.store.embedding.pgvector.MetadataStorageMode;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import dev.queueworker.ai.AiHandlers;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.ai.internal.store.DatabaseUrl;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerListener;
import dev.queueworker.core.WorkerOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ingests generated documents of about 10 KB with the local model into pgvector three ways, in one
 * run: the {@code ingest} handler driven by the engine (parse, split, embed in batches, replace the
 * chunks); the limit — {@code embedAll} over the same chunks alone, batch by batch; and the naive
 * baseline — LangChain4j's {@code EmbeddingStoreIngestor} called per document.
 *
 * <p>Usage: {@code IngestBenchmark DATABASE_URL [--documents N] [--concurrency C] [--rounds R]}: N
 * documents (default 200), C tasks at once on the engine (default twice the cores), R rounds of the
 * three in turn (default 3; the median of each is reported). The last line is {@code RESULT ingest_docs_per_s=<n> limit_docs_per_s=<n> naive_docs_per_s=<n>
 * ingest_vs_limit=<r> ingest_vs_naive=<r>}.
 */
public final class IngestBenchmark {
    private static final String[] WORDS = ("the of and to in is that for it as with was on be by this are from at or"
            + " an which have not has but were their can all more one been also its other than into two some time"
            + " water energy river city market history system model data report policy safety customer contract"
            + " invoice engine battery forest harvest weather station network software budget council school"
            + " hospital patient research method sample result figure table chapter section review planning"
            + " transport railway bridge harbour museum library festival season winter summer mountain valley")
            .split(" ");

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            usage();
        }
        String databaseUrl = args[0];
        int documents = 200;
        int concurrency = 2 * Runtime.getRuntime().availableProcessors();
        int rounds = 3;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--documents") && i + 1 < args.length) {
                documents = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--concurrency") && i + 1 < args.length) {
                concurrency = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--rounds") && i + 1 < args.length) {
                rounds = Integer.parseInt(args[++i]);
            } else {
                usage();
            }
        }
        List<String> texts = generate(documents, 10_000);
        String suffix = Long.toString(ProcessHandle.current().pid());
        AiSettings settings = AiSettings.builder().clientId("bench").databaseUrl(databaseUrl)
                .pgvectorTable("bench_ingest_" + suffix).build();
        System.out.printf(Locale.ROOT, "ingest benchmark: %d documents of ~10 KB, local model, pgvector, concurrency %d,"
                + " Java %s, %d cores%n", documents, concurrency, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        try (AiHandlers ai = AiHandlers.create(settings)) {
            EmbeddingModel model = ai.embeddingModel();
            DocumentSplitter splitter = DocumentSplitters.recursive(settings.chunkSize(), settings.chunkOverlap(),
                    new HuggingFaceTokenCountEstimator());
            ingest(ai, generate(20, 10_000), concurrency, "warmup"); // JIT and ONNX warm-up
            // Rounds alternate the three, so a busy moment of the machine hits all of them alike; each
            // ingest round uses new document names, or the handler would find them unchanged.
            double[] ingestRounds = new double[rounds];
            double[] limitRounds = new double[rounds];
            double[] naiveRounds = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ingestRounds[r] = ingest(ai, texts, concurrency, "doc-" + r);
                limitRounds[r] = limit(model, splitter, texts, settings.embeddingBatchSize());
                naiveRounds[r] = naive(model, splitter, texts, databaseUrl, "bench_naive_" + suffix);
                System.out.printf(Locale.ROOT, "round %d: ingest %.2f s, limit %.2f s, naive %.2f s%n", r + 1,
                        ingestRounds[r], limitRounds[r], naiveRounds[r]);
            }
            double ingest = median(ingestRounds);
            double limit = median(limitRounds);
            double naive = median(naiveRounds);
            report("ingest", documents, ingest);
            report("limit", documents, limit);
            report("naive", documents, naive);
            double i = documents / ingest;
            double l = documents / limit;
            double n = documents / naive;
            System.out.printf(Locale.ROOT, "RESULT ingest_docs_per_s=%.2f limit_docs_per_s=%.2f naive_docs_per_s=%.2f"
                    + " ingest_vs_limit=%.2f ingest_vs_naive=%.2f%n", i, l, n, i / l, i / n);
        }
        System.exit(0);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void usage() {
        System.err.println("usage: IngestBenchmark DATABASE_URL [--documents N] [--concurrency C] [--rounds R]");
        System.exit(2);
    }

    private static void report(String name, int documents, double seconds) {
        System.out.printf(Locale.ROOT, "%s documents=%d seconds=%.2f docs_per_s=%.2f%n", name, documents, seconds,
                documents / seconds);
    }

    /** Documents of about {@code size} characters of sentences drawn from a fixed vocabulary. */
    static List<String> generate(int count, int size) {
        Random random = new Random(42);
        List<String> out = new ArrayList<>(count);
        for (int d = 0; d < count; d++) {
            StringBuilder text = new StringBuilder(size + 200);
            while (text.length() < size) {
                int words = 8 + random.nextInt(14);
                for (int w = 0; w < words; w++) {
                    String word = WORDS[random.nextInt(WORDS.length)];
                    text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                    text.append(w == words - 1 ? ". " : " ");
                }
                if (random.nextInt(6) == 0) {
                    text.append("\n\n");
                }
            }
            out.add(text.toString());
        }
        return out;
    }

    /** The ingest handler on the engine: every document a task, {@code concurrency} at a time. */
    private static double ingest(AiHandlers ai, List<String> texts, int concurrency, String prefix) throws Exception {
        InMemoryDocumentStore documents = new InMemoryDocumentStore();
        InMemoryQueueProvider queue = new InMemoryQueueProvider();
        for (int i = 0; i < texts.size(); i++) {
            byte[] bytes = texts.get(i).getBytes(StandardCharsets.UTF_8);
            documents.put(prefix + "-" + i + ".txt", new ByteArrayInputStream(bytes), bytes.length, "text/plain");
        }
        CountDownLatch done = new CountDownLatch(texts.size());
        AtomicReference<String> failure = new AtomicReference<>();
        Worker worker = Worker.builder().queue(queue).handler(ai.ingest()).documents(documents)
                .notifier(WebhookNotifier.NONE)
                .options(WorkerOptions.builder().clientId("bench").concurrency(concurrency).maxMessages(concurrency)
                        .visibilityTimeout(Duration.ofMinutes(5)).build())
                .listener(new WorkerListener() {
                    @Override
                    public void taskCompleted(Task task, TaskResult result, Duration duration) {
                        done.countDown();
                    }

                    @Override
                    public void taskRetryScheduled(Task task, Throwable error, Duration delay) {
                        failure.compareAndSet(null, task.id() + ": " + error);
                        done.countDown();
                    }

                    @Override
                    public void messagePoisoned(Task task, dev.queueworker.core.PoisonMessage poison) {
                        failure.compareAndSet(null, poison.reason());
                        done.countDown();
                    }
                })
                .build();
        long start = System.nanoTime();
        for (int i = 0; i < texts.size(); i++) {
            queue.send("{\"task_id\":\"" + prefix + "-" + i + "\",\"task_type\":\"ingest\",\"payload\":{\"filename\":\""
                    + prefix + "-" + i + ".txt\",\"document_set\":\"bench\"}}", Duration.ZERO);
        }
        worker.start();
        if (!done.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("ingest did not finish");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        worker.close();
        if (failure.get() != null) {
            throw new IllegalStateException("an ingest task failed: " + failure.get());
        }
        return seconds;
    }

    /** The limit: the same chunks embedded batch by batch, nothing else (splitting is not timed). */
    private static double limit(EmbeddingModel model, DocumentSplitter splitter, List<String> texts, int batch) {
        List<TextSegment> chunks = new ArrayList<>();
        for (String text : texts) {
            chunks.addAll(splitter.split(Document.from(text)));
        }
        long start = System.nanoTime();
        for (int from = 0; from < chunks.size(); from += batch) {
            model.embedAll(chunks.subList(from, Math.min(chunks.size(), from + batch)));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The naive baseline: {@code EmbeddingStoreIngestor.ingest} per document into its own table. */
    private static double naive(EmbeddingModel model, DocumentSplitter splitter, List<String> texts,
            String databaseUrl, String table) {
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        url.parameters().forEach(config::addDataSourceProperty);
        config.setMaximumPoolSize(4);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            PgVectorEmbeddingStore store = PgVectorEmbeddingStore.datasourceBuilder().datasource(dataSource)
                    .table(table).dimension(384).createTable(true).dropTableFirst(true)
                    .metadataStorageConfig(DefaultMetadataStorageConfig.builder()
                            .storageMode(MetadataStorageMode.COMBINED_JSONB)
                            .columnDefinitions(List.of("metadata JSONB NULL")).build())
                    .build();
            EmbeddingStoreIngestor ingestor = EmbeddingStoreIngestor.builder().documentSplitter(splitter)
                    .embeddingModel(model).embeddingStore(store).build();
            long start = System.nanoTime();
            for (String text : texts) {
                ingestor.ingest(Document.from(text));
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
