package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.queueworker.ai.testing.FakeOpenAiServer;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The ingest handler with the local model and the file store; see {@link PgVectorIngestTest} for pgvector. */
class IngestHandlerTest {
    @TempDir
    static Path dataDir;

    private static AiHandlers ai;
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();

    @BeforeAll
    static void createHandlers() {
        ai = AiHandlers.create(AiSettings.builder().clientId("ingest-test").dataDir(dataDir).build());
    }

    @AfterAll
    static void closeHandlers() {
        ai.close();
    }

    @Test
    void aDocumentIsSplitEmbeddedAndStoredWithItsMetadata() {
        put("notes/bees.txt", paragraphs(12));
        ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("tenant", "south").put("year", 2024)
                .put("public", true);

        TaskResult result = ingest(task("notes/bees.txt", "nature").payload(metadata(metadata)));

        assertThat(result.data().get("filename").asText()).isEqualTo("notes/bees.txt");
        assertThat(result.data().get("document_set").asText()).isEqualTo("nature");
        assertThat(result.data().get("chunks").asInt()).isGreaterThan(3);
        assertThat(result.data().get("characters").asInt()).isBetween(paragraphs(12).length() - 50,
                paragraphs(12).length() + 50);
        assertThat(result.data().get("truncated").asBoolean()).isFalse();
        assertThat(result.data().get("unchanged").asBoolean()).isFalse();
        assertThat(result.data().get("embedding_model").asText()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(result.data().get("dimensions").asInt()).isEqualTo(384);
        assertThat(result.data().has("duration_ms")).isTrue();
        assertThat(result.data().get("embedded_chunks").asInt()).isEqualTo(result.data().get("chunks").asInt());
        assertThat(result.data().at("/usage/embedding_tokens").asLong())
                .isGreaterThan(result.data().get("characters").asLong() / 10); // the local model counts them too
        assertThat(result.data().at("/usage/estimated_cost_usd").asDouble()).isZero();

        var chunk = ai.embeddingStore().search(dev.langchain4j.store.embedding.EmbeddingSearchRequest.builder()
                .queryEmbedding(ai.embeddingModel().embed("waggle dance of bees 3").content()).maxResults(1)
                .filter(dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey("filename")
                        .isEqualTo("notes/bees.txt"))
                .build()).matches().get(0).embedded();
        assertThat(chunk.metadata().getString("document_set")).isEqualTo("nature");
        assertThat(chunk.metadata().getString("filename")).isEqualTo("notes/bees.txt");
        assertThat(chunk.metadata().getInteger("chunk_index")).isNotNull();
        assertThat(chunk.metadata().getString("content_sha256")).hasSize(64);
        assertThat(chunk.metadata().getString("tenant")).isEqualTo("south");
        assertThat(chunk.metadata().getLong("year")).isEqualTo(2024L);
        assertThat(chunk.metadata().getString("public")).isEqualTo("true");
    }

    @Test
    void defaultChunksFitTheLocalModelsWindowOf128Tokens() {
        HuggingFaceTokenCountEstimator tokens = new HuggingFaceTokenCountEstimator();
        put("long.txt", paragraphs(40));
        ingest(task("long.txt", "sizes"));

        var matches = ai.embeddingStore().search(dev.langchain4j.store.embedding.EmbeddingSearchRequest.builder()
                .queryEmbedding(ai.embeddingModel().embed("bees").content()).maxResults(200)
                .filter(dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey("document_set")
                        .isEqualTo("sizes"))
                .build()).matches();
        assertThat(matches).isNotEmpty();
        assertThat(matches).allSatisfy(m -> assertThat(tokens.estimateTokenCountInText(m.embedded().text()))
                .isLessThanOrEqualTo(120));
    }

    @Test
    void theSameDocumentAgainIsUnchangedAndAShorterOneLeavesNoStaleChunks() {
        put("report.txt", paragraphs(20));
        TaskResult first = ingest(task("report.txt", "again"));
        TaskResult second = ingest(task("report.txt", "again"));

        assertThat(second.data().get("unchanged").asBoolean()).isTrue();
        assertThat(second.data().get("chunks")).isEqualTo(first.data().get("chunks"));

        put("report.txt", paragraphs(3));
        TaskResult shorter = ingest(task("report.txt", "again"));

        assertThat(shorter.data().get("unchanged").asBoolean()).isFalse();
        assertThat(shorter.data().get("chunks").asInt()).isLessThan(first.data().get("chunks").asInt());
        var all = ai.embeddingStore().search(dev.langchain4j.store.embedding.EmbeddingSearchRequest.builder()
                .queryEmbedding(ai.embeddingModel().embed("report").content()).maxResults(500)
                .filter(dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey("document_set")
                        .isEqualTo("again"))
                .build()).matches();
        assertThat(all).hasSize(shorter.data().get("chunks").asInt());
        assertThat(all).extracting(m -> m.embedded().metadata().getInteger("chunk_index"))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, all.size()).boxed().toList());
    }

    @Test
    void chunkIdsAreStableNameBasedUuids() {
        String id = dev.queueworker.ai.ChunkIds.of("south", "policies", "a.pdf", 3);

        assertThat(id).isEqualTo(dev.queueworker.ai.ChunkIds.of("south", "policies", "a.pdf", 3));
        assertThat(java.util.UUID.fromString(id).version()).isEqualTo(3);
        assertThat(id).isNotEqualTo(dev.queueworker.ai.ChunkIds.of("north", "policies", "a.pdf", 3))
                .isNotEqualTo(dev.queueworker.ai.ChunkIds.of("south", "policies", "a.pdf", 4));
    }

    @Test
    void badPayloadsArePermanentFailuresNamingTheField() {
        TestTaskContext context = new TestTaskContext(documents, 1);
        assertThatThrownBy(() -> ai.ingest().handle(TestTasks.aTask("ingest").payload("document_set", "x").build(),
                context)).isInstanceOfSatisfying(InvalidTaskException.class,
                        e -> assertThat(e.field()).isEqualTo("payload.filename"));
        assertThatThrownBy(() -> ai.ingest().handle(task("a.txt", " ").build(), context))
                .hasMessageStartingWith("payload.document_set: must not be blank");
        assertThatThrownBy(() -> ai.ingest().handle(task("a\u0007.txt", "x").build(), context))
                .hasMessage("payload.filename: must not contain control characters");
        assertThatThrownBy(() -> ai.ingest().handle(task("x".repeat(300), "x").build(), context))
                .hasMessageStartingWith("payload.filename: is 300 characters");
        assertThatThrownBy(() -> ai.ingest().handle(task("../secret.txt", "x").build(), context))
                .isInstanceOfSatisfying(InvalidTaskException.class,
                        e -> assertThat(e.field()).isEqualTo("payload.filename"));
        ObjectNode nested = JsonNodeFactory.instance.objectNode();
        nested.putObject("owner").put("name", "x");
        assertThatThrownBy(() -> ai.ingest().handle(task("a.txt", "x").payload(metadata(nested)).build(), context))
                .hasMessage("payload.metadata.owner: must be a string, number or boolean, was object");
        ObjectNode reserved = JsonNodeFactory.instance.objectNode().put("chunk_index", 1);
        assertThatThrownBy(() -> ai.ingest().handle(task("a.txt", "x").payload(metadata(reserved)).build(), context))
                .hasMessageStartingWith("payload.metadata.chunk_index: is set by the worker");
    }

    @Test
    void aMissingOrEmptyDocumentIsAPermanentFailureAndLogged() {
        Logger logger = (Logger) LoggerFactory.getLogger(IngestHandler.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            assertThatThrownBy(() -> ingest(task("nowhere.txt", "x"))).isInstanceOf(PermanentException.class);
            put("empty.txt", "");
            assertThatThrownBy(() -> ingest(task("empty.txt", "x"))).isInstanceOf(PermanentException.class);
            put("ok.txt", paragraphs(1));
            ingest(task("ok.txt", "x"));

            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.startsWith("Ingestion failed: nowhere.txt: "))
                    .anyMatch(m -> m.startsWith("Ingestion failed: empty.txt: "))
                    .anyMatch(m -> m.startsWith("Ingestion completed: ok.txt"));
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }
    }

    @Test
    void openAiEmbeddingsWorkAndTheirFailuresAreSplitIntoRetryableAndPermanent() {
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers remote = AiHandlers.create(AiSettings.builder().clientId("remote")
                        .openAiApiKey("sk-test-secret").openAiApiBase(openAi.baseUrl())
                        .openAiEmbeddingDimensions(16).summarizer(AiSettings.Summarizer.EXTRACTIVE)
                        .dataDir(dataDir.resolve("remote")).embeddingBatchSize(4).build())) {
            put("remote.txt", paragraphs(8));
            TestTaskContext context = new TestTaskContext(documents, 1);

            TaskResult result = remote.ingest().handle(task("remote.txt", "r").build(), context);

            int chunks = result.data().get("chunks").asInt();
            assertThat(result.data().get("dimensions").asInt()).isEqualTo(16);
            assertThat(result.data().get("embedding_model").asText()).isEqualTo("text-embedding-3-small");
            assertThat(openAi.requestCount(FakeOpenAiServer.EMBEDDINGS)).isEqualTo((chunks + 3) / 4);

            put("waited.txt", paragraphs(2));
            openAi.retryAfter(Duration.ofMillis(20));
            openAi.failNext(2, 429);
            int sent = openAi.requestCount(FakeOpenAiServer.EMBEDDINGS);
            TaskResult waited = remote.ingest().handle(task("waited.txt", "r").build(), context);
            // the API key's budget waited out both 429s and sent the batch again: the task did not fail
            assertThat(openAi.requestCount(FakeOpenAiServer.EMBEDDINGS) - sent)
                    .isEqualTo(2 + (waited.data().get("chunks").asInt() + 3) / 4);
            put("remote2.txt", paragraphs(2));
            openAi.failNext(2, 500);
            assertThatThrownBy(() -> remote.ingest().handle(task("remote2.txt", "r").build(), context))
                    .isInstanceOf(RetryableException.class);
            openAi.failNext(1, 401); // permanent: not sent twice
            assertThatThrownBy(() -> remote.ingest().handle(task("remote2.txt", "r").build(), context))
                    .isInstanceOf(PermanentException.class).hasMessageContaining("401")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-test-secret"));
            openAi.failNext(1, 400);
            assertThatThrownBy(() -> remote.ingest().handle(task("remote2.txt", "r").build(), context))
                    .isInstanceOf(PermanentException.class);
            // a 429 asking for longer than 'openAiMaxWait' (2 minutes) fails the task at once, retryable
            put("remote3.txt", paragraphs(1));
            openAi.retryAfter(Duration.ofMinutes(10));
            openAi.failNext(1, 429);
            assertThatThrownBy(() -> remote.ingest().handle(task("remote3.txt", "r").build(), context))
                    .isInstanceOf(RetryableException.class).hasMessageContaining("rate limited (429)")
                    .hasMessageContaining("openAiMaxWait");
        }
    }

    @Test
    void aClientOverItsDailyTokensWaitsForTomorrowWhileAnUnchangedDocumentStillPasses() {
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers remote = AiHandlers.create(AiSettings.builder().clientId("frugal")
                        .openAiApiKey("sk-test-frugal").openAiApiBase(openAi.baseUrl()).openAiEmbeddingDimensions(16)
                        .summarizer(AiSettings.Summarizer.EXTRACTIVE).openAiTokensPerDay(1)
                        .dataDir(dataDir.resolve("frugal")).build())) {
            put("first.txt", paragraphs(2));
            put("second.txt", paragraphs(3));
            TestTaskContext context = new TestTaskContext(documents, 1);
            TaskResult first = remote.ingest().handle(task("first.txt", "r").build(), context);
            int sent = openAi.requestCount(FakeOpenAiServer.EMBEDDINGS);

            assertThatThrownBy(() -> remote.ingest().handle(task("second.txt", "r").build(), context))
                    .isInstanceOfSatisfying(RetryableException.class, e -> assertThat(e.retryAfter().orElseThrow())
                            .isPositive().isLessThanOrEqualTo(Duration.ofDays(1).plusMinutes(1)))
                    .hasMessageContaining("client 'frugal' has spent "
                            + first.data().at("/usage/embedding_tokens").asLong() + " of its 1 model tokens");
            assertThat(openAi.requestCount(FakeOpenAiServer.EMBEDDINGS)).isEqualTo(sent); // nothing sent
            TaskResult again = remote.ingest().handle(task("first.txt", "r").build(), context);
            assertThat(again.data().get("unchanged").asBoolean()).isTrue();
        }
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers failing = AiHandlers.create(AiSettings.builder().clientId("frugal")
                        .openAiApiKey("sk-test-frugal").openAiApiBase(openAi.baseUrl()).openAiEmbeddingDimensions(16)
                        .summarizer(AiSettings.Summarizer.EXTRACTIVE).openAiTokensPerDay(1)
                        .openAiOverBudget(TokenBudget.OverBudget.FAIL).dataDir(dataDir.resolve("frugal")).build())) {
            // the day's count was kept in the data directory: a new process is over the allowance too
            assertThatThrownBy(() -> failing.ingest().handle(task("second.txt", "r").build(),
                    new TestTaskContext(documents, 1))).isInstanceOf(PermanentException.class)
                    .hasMessageContaining("('openAiTokensPerDay')");
        }
    }

    @Test
    void aReingestSendsOnlyTheChangedChunksToTheModel() {
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers remote = AiHandlers.create(AiSettings.builder().clientId("reuse")
                        .openAiApiKey("sk-test-reuse").openAiApiBase(openAi.baseUrl()).openAiEmbeddingDimensions(16)
                        .summarizer(AiSettings.Summarizer.EXTRACTIVE).chunkSize(60).chunkOverlap(0)
                        .dataDir(dataDir.resolve("reuse")).build())) {
            String v1 = paragraphs(6);
            put("bees.txt", v1);
            TestTaskContext context = new TestTaskContext(documents, 1);
            TaskResult first = remote.ingest().handle(task("bees.txt", "r").build(), context);
            List<String> firstInputs = embeddedInputs(openAi);
            put("bees.txt", v1.replace("waggle dance 6 times", "waggle dance six times"));

            TaskResult second = remote.ingest().handle(task("bees.txt", "r").build(), new TestTaskContext(documents, 2));

            List<String> all = embeddedInputs(openAi);
            List<String> secondInputs = all.subList(firstInputs.size(), all.size());
            assertThat(first.data().get("embedded_chunks").asInt()).isEqualTo(first.data().get("chunks").asInt());
            assertThat(second.data().get("embedded_chunks").asInt()).isEqualTo(secondInputs.size()).isPositive()
                    .isLessThan(second.data().get("chunks").asInt());
            assertThat(secondInputs).allMatch(text -> text.contains("six")).noneMatch(firstInputs::contains);
            // the tokens are the API's usage: the fake server counts a token per four characters of each input
            assertThat(first.data().at("/usage/embedding_tokens").asLong()).isEqualTo(fakeTokens(firstInputs));
            assertThat(second.data().at("/usage/embedding_tokens").asLong()).isEqualTo(fakeTokens(secondInputs));
            assertThat(second.data().at("/usage/estimated_cost_usd").decimalValue())
                    .isEqualByComparingTo(java.math.BigDecimal.valueOf(fakeTokens(secondInputs) * 0.02 / 1e6));
            // every stored embedding, reused or new, is the model's own for its chunk's text
            var matches = remote.embeddingStore().search(dev.langchain4j.store.embedding.EmbeddingSearchRequest
                    .builder().queryEmbedding(dev.langchain4j.data.embedding.Embedding.from(
                            FakeOpenAiServer.embeddingOf("honeybees", 16))).maxResults(100).build()).matches();
            assertThat(matches).hasSize(second.data().get("chunks").asInt()).allSatisfy(m -> assertThat(
                    m.embedding().vector()).containsExactly(FakeOpenAiServer.embeddingOf(m.embedded().text(), 16)));
        }
    }

    @Test
    void aTaskWaitingForTheRateLimitStopsWhenItIsCancelled() throws Exception {
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers remote = remoteHandlers(openAi, "cancel", "sk-test-cancel")) {
            put("slow.txt", paragraphs(3));
            openAi.retryAfter(Duration.ofMinutes(1)); // within the 2 minutes of 'openAiMaxWait': waited out
            openAi.failNext(1, 429);
            TestTaskContext context = new TestTaskContext(documents, 1);
            java.util.concurrent.CompletableFuture<TaskResult> run = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> remote.ingest().handle(task("slow.txt", "r").build(), context));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (openAi.requestCount(FakeOpenAiServer.EMBEDDINGS) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(run).isNotDone(); // the 429 was answered: the call waits a minute for the budget

            context.cancel(dev.queueworker.api.CancellationReason.SHUTDOWN);

            assertThatThrownBy(() -> run.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(dev.queueworker.api.TaskCancelledException.class);
            assertThat(openAi.requestCount(FakeOpenAiServer.EMBEDDINGS)).isEqualTo(1);
        }
    }

    @Test
    void clientsOnTheSameKeyShareItsBudgetAndAnotherKeyHasItsOwn() {
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers alpha = remoteHandlers(openAi, "alpha", "sk-test-shared");
                AiHandlers beta = remoteHandlers(openAi, "beta", "sk-test-shared");
                AiHandlers gamma = remoteHandlers(openAi, "gamma", "sk-test-other")) {
            put("shared.txt", paragraphs(2));
            openAi.retryAfter(Duration.ofMinutes(10)); // beyond 'openAiMaxWait': the call gives up at once
            openAi.failNext(1, 429);
            assertThatThrownBy(() -> alpha.ingest().handle(task("shared.txt", "r").build(),
                    new TestTaskContext(documents, 1))).isInstanceOf(RetryableException.class);
            int sent = openAi.requestCount(FakeOpenAiServer.EMBEDDINGS);

            // beta's calls on the same key wait for the same ten minutes: it gives up without a request
            assertThatThrownBy(() -> beta.ingest().handle(task("shared.txt", "r").build(),
                    new TestTaskContext(documents, 1))).isInstanceOf(RetryableException.class)
                    .hasMessageContaining("rate limited (429)").hasMessageContaining("openAiMaxWait");
            assertThat(openAi.requestCount(FakeOpenAiServer.EMBEDDINGS)).isEqualTo(sent);
            // gamma's key has a budget of its own
            TaskResult other = gamma.ingest().handle(task("shared.txt", "r").build(), new TestTaskContext(documents, 1));
            assertThat(other.data().get("embedded_chunks").asInt()).isPositive();
        }
    }

    private AiHandlers remoteHandlers(FakeOpenAiServer openAi, String clientId, String apiKey) {
        return AiHandlers.create(AiSettings.builder().clientId(clientId).openAiApiKey(apiKey)
                .openAiApiBase(openAi.baseUrl()).openAiEmbeddingDimensions(16)
                .summarizer(AiSettings.Summarizer.EXTRACTIVE).dataDir(dataDir.resolve(clientId)).build());
    }

    private static long fakeTokens(List<String> inputs) {
        return inputs.stream().mapToLong(text -> Math.max(1, (text.length() + 3) / 4)).sum();
    }

    /** Every input text the fake server was asked to embed, in order. */
    private static List<String> embeddedInputs(FakeOpenAiServer openAi) {
        List<String> inputs = new ArrayList<>();
        for (FakeOpenAiServer.Call call : openAi.requests(FakeOpenAiServer.EMBEDDINGS)) {
            call.body().path("input").forEach(input -> inputs.add(input.asText()));
        }
        return inputs;
    }

    private static ObjectNode metadata(ObjectNode value) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        fields.set("metadata", value);
        return fields;
    }

    private TaskResult ingest(TestTasks task) {
        return ai.ingest().handle(task.build(), new TestTaskContext(documents, 1));
    }

    private static TestTasks task(String filename, String documentSet) {
        return TestTasks.aTask("ingest").payload("filename", filename).payload("document_set", documentSet);
    }

    private void put(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        documents.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    /** Numbered paragraphs about bees, each a few sentences. */
    static String paragraphs(int count) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            out.add("Paragraph " + i + ". Honeybees perform the waggle dance " + i + " times to show where flowers"
                    + " grow. The colony stores nectar as honey for the winter, and worker bees guard the entrance"
                    + " of the hive against wasps. Each bee visits hundreds of flowers a day.");
        }
        return String.join("\n\n", out) + "\n";
    }

    static Task simpleTask(String filename, String documentSet) {
        return task(filename, documentSet).build();
    }
}
