package dev.queueworker.ai.internal.store;

import dev.langchain4j.data.segment.TextSegment;
import dev.queueworker.ai.ChunkIds;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.ai.testing.TestDatabase;
import dev.queueworker.api.RetryableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Runs against the PostgreSQL of {@code ./scripts/setup.sh} (see {@link TestDatabase}). */
class PgVectorChunkStoreTest extends ChunkStoreTestBase {
    private static final String WRONG_PASSWORD = "Wr0ng-Secret-4711";

    private final String table = TestDatabase.newTableName();

    @Override
    protected ChunkStore openStore(int dimension) {
        return PgVectorChunkStore.builder(TestDatabase.url(), dimension).table(table).build();
    }

    @AfterEach
    void dropTable() {
        TestDatabase.dropTable(table);
    }

    @Test
    void theTableHasTheSchemaLangChain4jCreatesWithMetadataAsJsonb() throws Exception {
        ChunkStore store = open(DIMENSION);
        Doc doc = new Doc("manuals", "guide.pdf", 1, 2);
        doc.replaceIn(store);

        Map<String, String> columns = new LinkedHashMap<>();
        try (Connection connection = TestDatabase.connect();
             PreparedStatement select = connection.prepareStatement("SELECT attname, format_type(atttypid, atttypmod)"
                     + " FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped"
                     + " ORDER BY attnum")) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        assertThat(columns).containsExactly(Map.entry("embedding_id", "uuid"), Map.entry("embedding", "vector(8)"),
                Map.entry("text", "text"), Map.entry("metadata", "jsonb"));
        assertThat(indexes()).containsOnlyKeys(table + "_pkey", table + "_client_document_idx");
        assertThat(indexes().get(table + "_client_document_idx")).contains("((metadata ->> 'client_id'::text)),"
                + " ((metadata ->> 'document_set'::text)), ((metadata ->> 'filename'::text))");

        Map<String, Object> metadata = metadataOf(doc.ids.get(1));
        assertThat(metadata).containsExactlyInAnyOrderEntriesOf(Map.of("client_id", CLIENT, "document_set", "manuals",
                "filename", "guide.pdf", "chunk_index", "1", "content_sha256", doc.sha256, "language", "en",
                "text_sha256", "text-1"));
    }

    @Test
    void theStoredEmbeddingIsTheGivenOne() throws Exception {
        ChunkStore store = open(DIMENSION);
        Doc doc = new Doc("manuals", "guide.pdf", 1, 1);
        doc.replaceIn(store);

        try (Connection connection = TestDatabase.connect();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT embedding::text, text FROM " + table + " WHERE embedding_id = ?::uuid")) {
            select.setString(1, doc.ids.get(0));
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                float[] expected = doc.embeddings.get(0).vector();
                String[] stored = rows.getString(1).replaceAll("[\\[\\]]", "").split(",");
                assertThat(stored).hasSize(DIMENSION);
                for (int i = 0; i < DIMENSION; i++) {
                    assertThat(Float.parseFloat(stored[i])).isEqualTo(expected[i]);
                }
                assertThat(rows.getString(2)).isEqualTo(doc.texts().get(0));
            }
        }
    }

    /**
     * Row locks alone would let a delete that starts while another worker's replace is under way
     * remove only the rows that existed before, keeping the newly inserted ones: a mix.
     */
    @Test
    void aDeleteStartedWhileAReplaceIsUnderWayLeavesNoMix() throws Exception {
        ChunkStore worker1 = open(DIMENSION);
        ChunkStore worker2 = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 2).replaceIn(worker1);
        Doc big = new Doc("manuals", "guide.pdf", 2, 3000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> replacing = pool.submit(() -> big.replaceIn(worker2));
            boolean overlapped = waitUntilRowIsLocked(big.ids.get(0), replacing);

            worker1.delete(key("manuals", "guide.pdf"));
            replacing.get(60, TimeUnit.SECONDS);

            assertThat(overlapped).as("the delete started while the replace held its rows").isTrue();
            int remaining = worker1.count(key("manuals", "guide.pdf"));
            assertThat(remaining).as("chunks left").isIn(0, 3000);
            assertThat(rows(worker1, "manuals")).hasSize(remaining);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Polls with FOR UPDATE NOWAIT until another transaction holds the row (true) or the work ended (false). */
    private boolean waitUntilRowIsLocked(String id, Future<?> work) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection probe = TestDatabase.connect();
             PreparedStatement lock = probe.prepareStatement(
                     "SELECT 1 FROM " + table + " WHERE embedding_id = ?::uuid FOR UPDATE NOWAIT")) {
            probe.setAutoCommit(false);
            lock.setString(1, id);
            while (System.nanoTime() < deadline && !work.isDone()) {
                try {
                    lock.executeQuery().close();
                } catch (SQLException e) {
                    if ("55P03".equals(e.getSQLState())) {
                        probe.rollback();
                        return true;
                    }
                    throw e;
                } finally {
                    probe.rollback();
                }
            }
        }
        return false;
    }

    /**
     * A table of queue-worker 0.1: rows without client_id, of two clients under the same document
     * name, plus one written by hand; the old (document_set, filename) index.
     */
    @Test
    void anUpgradedTableIsClaimedClientByClientAndLosesNothing() throws Exception {
        open(DIMENSION).close(); // creates the table
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP INDEX " + table + "_client_document_idx");
            statement.execute("CREATE INDEX " + table + "_document_idx ON " + table
                    + " ((metadata->>'document_set'), (metadata->>'filename'))");
            for (String client : List.of("alpha", "beta")) {
                for (int i = 0; i < 3; i++) {
                    insertLegacyRow(statement, ChunkIds.of(client, "manuals", "policy.txt", i), i, client + " text " + i);
                }
            }
            insertLegacyRow(statement, java.util.UUID.randomUUID().toString(), 0, "written by hand");
        }

        ChunkStore alphaStore = open(DIMENSION);
        assertThat(indexes()).containsOnlyKeys(table + "_pkey", table + "_client_document_idx");
        DocumentKey alpha = new DocumentKey("alpha", "manuals", "policy.txt");
        DocumentKey beta = new DocumentKey("beta", "manuals", "policy.txt");
        assertThat(alphaStore.count(alpha)).as("unclaimed rows belong to no client yet").isZero();

        assertThat(alphaStore.claimLegacyChunks("alpha")).isEqualTo(3);
        assertThat(alphaStore.claimLegacyChunks("alpha")).as("a second claim").isZero();
        assertThat(alphaStore.count(alpha)).isEqualTo(3);
        assertThat(alphaStore.count(beta)).isZero();
        assertThat(ownerCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("alpha", 3, "(none)", 4));

        assertThat(alphaStore.claimLegacyChunks("beta")).isEqualTo(3);
        assertThat(alphaStore.count(beta)).isEqualTo(3);
        assertThat(ownerCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("alpha", 3, "beta", 3, "(none)", 1));
        assertThat(metadataOf(ChunkIds.of("beta", "manuals", "policy.txt", 2)))
                .containsEntry("client_id", "beta").containsEntry("chunk_index", "2");
    }

    @Test
    void anIdThatIsAnotherClientsRowIsRefusedAndWritesNothing() throws Exception {
        ChunkStore store = open(DIMENSION);
        Doc alpha = new Doc("manuals", "guide.pdf", 1, 2);
        alpha.replaceIn(store);
        Map<String, Object> before = metadataOf(alpha.ids.get(0));
        DocumentKey beta = new DocumentKey("beta", "manuals", "other.pdf");
        List<TextSegment> betaSegments = new ArrayList<>();
        for (TextSegment segment : alpha.segments) {
            betaSegments.add(TextSegment.from("beta's", segment.metadata().copy().put(ChunkStore.CLIENT_ID, "beta")
                    .put(ChunkStore.FILENAME, "other.pdf")));
        }

        assertThatThrownBy(() -> store.replace(beta, alpha.ids, alpha.embeddings, betaSegments))
                .isInstanceOf(dev.queueworker.api.PermanentException.class)
                .hasMessageContaining("another client's document");

        assertThat(metadataOf(alpha.ids.get(0))).isEqualTo(before);
        assertThat(store.count(beta)).isZero();
        assertThat(store.count(alpha.key)).isEqualTo(2);
    }

    private void insertLegacyRow(Statement statement, String id, int index, String text) throws SQLException {
        statement.execute("INSERT INTO " + table + " (embedding_id, embedding, text, metadata) VALUES ('" + id + "', '"
                + fakeEmbedding(text).vectorAsList() + "', '" + text + "', jsonb_build_object('document_set', 'manuals',"
                + " 'filename', 'policy.txt', 'chunk_index', '" + index + "', 'content_sha256', 'old'))");
    }

    /** Rows per client_id ("(none)" for rows without one). */
    private Map<String, Integer> ownerCounts() throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT coalesce(metadata->>'client_id', '(none)'), count(*) FROM "
                     + table + " GROUP BY 1")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getInt(2));
            }
        }
        return counts;
    }

    @Test
    void aTableNameThatIsNoIdentifierNamesTheVariable() {
        for (String bad : List.of("chunks; DROP TABLE x", "1chunks", "", "public.chunks", "a".repeat(64))) {
            assertThatThrownBy(() -> PgVectorChunkStore.builder(TestDatabase.url(), DIMENSION).table(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pgvectorTable'");
        }
        assertThat(PgVectorChunkStore.checkTableName("Document_Chunks")).isEqualTo("document_chunks");
    }

    @Test
    void aTableOfAnotherShapeIsRefused() throws Exception {
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, body text)");
        }

        assertThatThrownBy(() -> open(DIMENSION)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'pgvectorTable'").hasMessageContaining("is not a chunk table");
    }

    @Test
    void badCredentialsStopStartUpWithAClearMessageWithoutThePassword() {
        DatabaseUrl good = TestDatabase.url();
        DatabaseUrl bad = DatabaseUrl.parse("postgresql://" + good.user() + ":" + WRONG_PASSWORD + "@"
                + good.location());

        Throwable failure = catchThrowable(() -> open(bad, Duration.ofSeconds(5)));

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'databaseUrl'").hasMessageContaining("rejected user '" + good.user() + "'");
        assertNoPassword(failure, WRONG_PASSWORD);
    }

    @Test
    void aMissingDatabaseIsAClearStartUpError() {
        DatabaseUrl good = TestDatabase.url();
        DatabaseUrl missing = DatabaseUrl.parse("postgresql://" + good.user() + ":" + good.password() + "@"
                + good.host() + ":" + good.port() + "/no_such_database_4711");

        assertThatThrownBy(() -> open(missing, Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("database 'no_such_database_4711' of 'databaseUrl' does not exist");
    }

    @Test
    void anUnreachableServerIsRetryable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        DatabaseUrl nowhere = DatabaseUrl.parse("postgresql://queueworker:" + WRONG_PASSWORD + "@127.0.0.1:" + port
                + "/queueworker_test");

        Throwable failure = catchThrowable(() -> open(nowhere, Duration.ofSeconds(1)));

        assertThat(failure).isInstanceOf(RetryableException.class).hasMessageContaining("127.0.0.1:" + port);
        assertNoPassword(failure, WRONG_PASSWORD);
    }

    @Test
    void aConnectionLostDuringWorkIsRetryable() throws Exception {
        DatabaseUrl direct = TestDatabase.url();
        try (TcpProxy proxy = new TcpProxy(direct.host(), direct.port())) {
            DatabaseUrl throughProxy = DatabaseUrl.parse("postgresql://" + direct.user() + ":" + direct.password()
                    + "@127.0.0.1:" + proxy.port() + "/" + direct.database());
            ChunkStore store = open(throughProxy, Duration.ofSeconds(1));
            new Doc("manuals", "guide.pdf", 1, 2).replaceIn(store);

            proxy.close();

            Throwable failure = catchThrowable(() -> new Doc("manuals", "guide.pdf", 2, 3).replaceIn(store));
            assertThat(failure).isInstanceOf(RetryableException.class)
                    .hasMessageContaining("replace the chunks of manuals/guide.pdf");
            assertThatThrownBy(() -> store.count(key("manuals", "guide.pdf"))).isInstanceOf(RetryableException.class);
        }
        ChunkStore again = open(DIMENSION);
        assertThat(again.count(key("manuals", "guide.pdf"))).isEqualTo(2);
    }

    @Test
    void aRejectedChunkIsReportedWithoutTheDocumentsTextOrVectors() {
        // PostgreSQL refuses NUL in text (22021). The driver's message for a failed batch quotes the
        // whole statement with its values: the document's text and every vector component. That
        // message becomes log lines, the poison reason and the failed webhook's error, so it must not
        // be passed on.
        ChunkStore store = open(DIMENSION);
        Doc doc = new Doc("manuals", "guide.pdf", 1, 2);
        String confidential = "Confidential salary table of the board \u0000 do not share";
        doc.segments.set(1, dev.langchain4j.data.segment.TextSegment.from(confidential, doc.segments.get(1).metadata()));

        Throwable failure = catchThrowable(() -> doc.replaceIn(store));

        assertThat(failure).isInstanceOf(dev.queueworker.api.PermanentException.class)
                .hasMessageContaining("replace the chunks of manuals/guide.pdf")
                .hasMessageContaining("22021");
        assertThat(failure.getMessage()).doesNotContain("Confidential salary", "Chunk 0 of guide.pdf", "INSERT INTO")
                .doesNotContain(Float.toString(doc.embeddings.get(0).vector()[0]));
        assertThat(failure.getMessage().length()).isLessThan(600);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).as("message of cause %s", cause.getClass().getName())
                    .doesNotContain("Confidential salary", "Chunk 0 of guide.pdf");
        }
        assertThat(store.count(key("manuals", "guide.pdf"))).isZero();
    }

    @Test
    void aBatchLostWithItsConnectionIsDescribedByTheErrorBehindIt() {
        java.sql.BatchUpdateException batch = new java.sql.BatchUpdateException(
                "Batch entry 0 INSERT INTO t VALUES ('secret text', '[0.1,0.2]') was aborted", "08006", 0, new int[0],
                new SQLException("An I/O error occurred while sending to the backend.", "08006"));

        assertThat(PgVectorFailures.serverMessage(batch))
                .isEqualTo("An I/O error occurred while sending to the backend.");
        assertThat(PgVectorFailures.withoutBatch(batch).getMessage())
                .isEqualTo("An I/O error occurred while sending to the backend.");
        assertThat(PgVectorFailures.serverMessage(new SQLException("ERROR: null value in column \"text\"\n"
                + "  Detail: Failing row contains (secret text).", "23502")))
                .isEqualTo("ERROR: null value in column \"text\"");
    }

    @Test
    void toStringHasNoPassword() {
        ChunkStore store = open(DIMENSION);

        assertThat(store.toString()).contains(table).contains("***").doesNotContain(":" + TestDatabase.url().password() + "@");
    }

    private ChunkStore open(DatabaseUrl url, Duration connectionTimeout) {
        PgVectorChunkStore store = PgVectorChunkStore.builder(url, DIMENSION).table(table)
                .connectionTimeout(connectionTimeout).build();
        return track(store);
    }

    private ChunkStore track(ChunkStore store) {
        // Closed by the contract's @AfterEach through open(); here for stores built with other settings.
        extraStores.add(store);
        return store;
    }

    private final List<ChunkStore> extraStores = new ArrayList<>();

    @AfterEach
    void closeExtraStores() {
        extraStores.forEach(ChunkStore::close);
    }

    private static void assertNoPassword(Throwable failure, String password) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(password);
            assertThat(t.toString()).doesNotContain(password);
        }
    }

    private Map<String, String> indexes() throws SQLException {
        Map<String, String> indexes = new TreeMap<>();
        try (Connection connection = TestDatabase.connect();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ?")) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    indexes.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return indexes;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> metadataOf(String id) throws Exception {
        try (Connection connection = TestDatabase.connect();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT metadata::text FROM " + table + " WHERE embedding_id = ?::uuid")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return new ObjectMapper().readValue(rows.getString(1), Map.class);
            }
        }
    }

    /** Forwards loopback connections to PostgreSQL until closed, then drops them all: a database gone away. */
    static final class TcpProxy implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final String targetHost;
        private final int targetPort;

        TcpProxy(String targetHost, int targetPort) throws IOException {
            this.targetHost = targetHost;
            this.targetPort = targetPort;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // Closed, or the target refused: the client sees its connection end.
                }
            }
        }

        private void pump(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // One side went away.
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "tcp-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            closeQuietly(server);
            sockets.forEach(TcpProxy::closeQuietly);
        }

        private static void closeQuietly(AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Already closed.
            }
        }
    }
}
