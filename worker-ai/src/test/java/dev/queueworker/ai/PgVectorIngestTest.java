package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.ai.testing.FakeOpenAiServer;
import dev.queueworker.ai.testing.TestDatabase;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ingest handler on a real PostgreSQL with pgvector (started by scripts/setup.sh). */
class PgVectorIngestTest {
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final String table = TestDatabase.newTableName();

    @Test
    void aRedeliveredTaskAndTwoConcurrentRunsLeaveExactlyTheRowsOfOneRun() throws Exception {
        put("handbook.txt", IngestHandlerTest.paragraphs(25));
        try (AiHandlers ai = handlers(table)) {
            TaskResult first = ingest(ai, "handbook.txt");
            List<String> once = rows(table);
            assertThat(once).hasSize(first.data().get("chunks").asInt());

            TaskResult redelivered = ingest(ai, "handbook.txt");
            assertThat(redelivered.data().get("unchanged").asBoolean()).isTrue();
            assertThat(rows(table)).isEqualTo(once);

            // A new version, ingested by two workers at the same moment.
            put("handbook.txt", IngestHandlerTest.paragraphs(24));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier together = new CyclicBarrier(2);
                List<CompletableFuture<TaskResult>> runs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    runs.add(CompletableFuture.supplyAsync(() -> {
                        await(together);
                        return ingest(ai, "handbook.txt");
                    }, pool));
                }
                for (CompletableFuture<TaskResult> run : runs) {
                    run.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            List<String> concurrent = rows(table);

            String single = TestDatabase.newTableName();
            try (AiHandlers clean = handlers(single)) {
                ingest(clean, "handbook.txt");
            }
            assertThat(concurrent).isEqualTo(rows(single)).isNotEqualTo(once);
        }
    }

    @Test
    void aReingestedDocumentKeepsTheStoredEmbeddingsOfItsUnchangedChunks() throws Exception {
        String v1 = IngestHandlerTest.paragraphs(12);
        String v2 = v1.replace("waggle dance 12 times", "waggle dance twelve times"); // the last chunk only
        put("handbook.txt", v1);
        try (AiHandlers ai = handlers(table)) {
            TaskResult first = ingest(ai, "handbook.txt");
            put("handbook.txt", v2);

            TaskResult second = ingest(ai, "handbook.txt");

            int chunks = second.data().get("chunks").asInt();
            assertThat(first.data().get("embedded_chunks").asInt()).isEqualTo(first.data().get("chunks").asInt());
            assertThat(second.data().get("unchanged").asBoolean()).isFalse();
            assertThat(second.data().get("embedded_chunks").asInt()).isBetween(1, chunks - 1);
            String fresh = TestDatabase.newTableName();
            try (AiHandlers clean = handlers(fresh)) {
                ingest(clean, "handbook.txt");
            }
            assertThat(rows(table)).isEqualTo(rows(fresh)); // reused embeddings are the model's own
        }
    }

    @Test
    void aDocumentWhoseTextHoldsNulCharactersIsIngested() throws Exception {
        // PDF text extraction yields U+0000 now and then; PostgreSQL's text type cannot hold it.
        put("scanned.txt", IngestHandlerTest.paragraphs(3).replace(". ", ".\u0000 "));
        try (AiHandlers ai = handlers(table)) {
            TaskResult result = ingest(ai, "scanned.txt");

            assertThat(rows(table)).hasSize(result.data().get("chunks").asInt()).isNotEmpty()
                    .noneMatch(row -> row.indexOf('\u0000') >= 0);
        }
    }

    /** Issue 22's scenario at the handler: two clients, one table, the same document names. */
    @Test
    void twoClientsSharingATableKeepTheirDocumentsApart() throws Exception {
        InMemoryDocumentStore alphaDocs = new InMemoryDocumentStore();
        InMemoryDocumentStore betaDocs = new InMemoryDocumentStore();
        put(alphaDocs, "policy.txt", IngestHandlerTest.paragraphs(6));
        put(betaDocs, "policy.txt", "Beta's own policy. " + IngestHandlerTest.paragraphs(3));
        put(alphaDocs, "handbook.txt", IngestHandlerTest.paragraphs(4));
        put(betaDocs, "handbook.txt", IngestHandlerTest.paragraphs(4));
        try (AiHandlers alpha = handlers(table, "alpha"); AiHandlers beta = handlers(table, "beta")) {
            ingest(alpha, alphaDocs, "policy.txt");
            ingest(alpha, alphaDocs, "handbook.txt");
            java.util.Map<String, Integer> alphaOnly = counts(table);
            List<String> alphaRows = rows(table);

            TaskResult betaHandbook = ingest(beta, betaDocs, "handbook.txt");
            ingest(beta, betaDocs, "policy.txt");

            assertThat(betaHandbook.data().get("unchanged").asBoolean()).as("identical text of another client").isFalse();
            java.util.Map<String, Integer> both = counts(table);
            assertThat(both).containsAllEntriesOf(alphaOnly).containsOnlyKeys("alpha/policy.txt", "alpha/handbook.txt",
                    "beta/policy.txt", "beta/handbook.txt");
            assertThat(both.get("beta/handbook.txt")).isEqualTo(both.get("alpha/handbook.txt"));
            assertThat(rows(table)).containsAll(alphaRows);

            assertThat(ingest(alpha, alphaDocs, "policy.txt").data().get("unchanged").asBoolean()).isTrue();
            put(alphaDocs, "policy.txt", IngestHandlerTest.paragraphs(2));
            ingest(alpha, alphaDocs, "policy.txt");
            assertThat(counts(table)).containsEntry("beta/policy.txt", both.get("beta/policy.txt"))
                    .containsEntry("beta/handbook.txt", both.get("beta/handbook.txt"));
            assertThat(counts(table).get("alpha/policy.txt")).isLessThan(both.get("alpha/policy.txt"));
        }
    }

    @Test
    void aTableOfAnotherDimensionStopsStartUpAndNothingIsWritten() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (embedding_id UUID PRIMARY KEY, embedding vector(1536), text TEXT,"
                    + " metadata JSONB)");
        }

        assertThatThrownBy(() -> handlers(table)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'pgvectorTable'").hasMessageContaining("1536").hasMessageContaining("384");
        assertThat(rows(table)).isEmpty();
    }

    @Test
    void theWorkersOfAClientOnOneDatabaseCountAgainstOneDailyAllowanceAndAnotherClientHasItsOwn() throws Exception {
        put("a.txt", IngestHandlerTest.paragraphs(2));
        put("b.txt", IngestHandlerTest.paragraphs(3));
        try (FakeOpenAiServer openAi = FakeOpenAiServer.start(16);
                AiHandlers one = budgeted(openAi, "alpha");
                AiHandlers two = budgeted(openAi, "alpha");
                AiHandlers beta = budgeted(openAi, "beta")) {
            long spent = ingest(one, "a.txt").data().at("/usage/embedding_tokens").asLong();

            assertThatThrownBy(() -> ingest(two, "b.txt")).isInstanceOf(RetryableException.class)
                    .hasMessageContaining("client 'alpha' has spent " + spent + " of its 1 model tokens");
            long betaSpent = ingest(beta, "b.txt").data().at("/usage/embedding_tokens").asLong();

            try (Connection c = connect(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT client_id, tokens FROM " + table + "_token_usage"
                            + " WHERE day = (now() AT TIME ZONE 'UTC')::date ORDER BY client_id")) {
                List<String> counted = new ArrayList<>();
                while (r.next()) {
                    counted.add(r.getString(1) + "=" + r.getLong(2));
                }
                assertThat(counted).containsExactly("alpha=" + spent, "beta=" + betaSpent);
            }
        } finally {
            TestDatabase.dropTable(table + "_token_usage");
        }
    }

    /** A worker of {@code clientId} embedding through the fake OpenAI server, with 1 token per day. */
    private AiHandlers budgeted(FakeOpenAiServer openAi, String clientId) {
        return AiHandlers.create(AiSettings.builder().clientId(clientId).openAiApiKey("sk-test-daily")
                .openAiApiBase(openAi.baseUrl()).openAiEmbeddingDimensions(16)
                .summarizer(AiSettings.Summarizer.EXTRACTIVE).openAiTokensPerDay(1)
                .databaseUrl(TestDatabase.urlString()).pgvectorTable(table).build());
    }

    private AiHandlers handlers(String tableName) {
        return handlers(tableName, "pg-test");
    }

    private static AiHandlers handlers(String tableName, String clientId) {
        return AiHandlers.create(AiSettings.builder().clientId(clientId).databaseUrl(TestDatabase.urlString())
                .pgvectorTable(tableName).build());
    }

    private TaskResult ingest(AiHandlers ai, String filename) {
        return ingest(ai, documents, filename);
    }

    private static TaskResult ingest(AiHandlers ai, InMemoryDocumentStore from, String filename) {
        return ai.ingest().handle(TestTasks.aTask("ingest").payload("filename", filename)
                .payload("document_set", "manuals").build(), new TestTaskContext(from, 1));
    }

    private void put(String name, String text) {
        put(documents, name, text);
    }

    private static void put(InMemoryDocumentStore into, String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        into.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    /** Rows per client/filename. */
    private static java.util.Map<String, Integer> counts(String tableName) throws SQLException {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT metadata->>'client_id' || '/' || (metadata->>'filename'), count(*)"
                        + " FROM " + tableName + " GROUP BY 1")) {
            while (r.next()) {
                out.put(r.getString(1), r.getInt(2));
            }
        }
        return out;
    }

    /** Every row as id, text and metadata, in id order: equal lists mean identical rows. */
    private static List<String> rows(String tableName) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT embedding_id, text, metadata::text, embedding::text FROM "
                        + tableName + " ORDER BY embedding_id")) {
            while (r.next()) {
                out.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4).hashCode());
            }
        }
        return out;
    }

    private static Connection connect() {
        return TestDatabase.connect();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
