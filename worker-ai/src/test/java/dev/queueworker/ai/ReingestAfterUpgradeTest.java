package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.ai.testing.QualityCorpus;
import dev.queueworker.ai.testing.TestDatabase;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ingestion stays idempotent with page boilerplate removal: two runs over the same documents leave
 * the same rows, and chunks written by the earlier text extraction (no {@code text_sha256}) are
 * replaced once, then left alone.
 */
class ReingestAfterUpgradeTest {
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final String table = TestDatabase.newTableName();
    private final String second = TestDatabase.newTableName();

    @AfterEach
    void dropTables() {
        TestDatabase.dropTable(table);
        TestDatabase.dropTable(second);
    }

    @Test
    void twoRunsLeaveTheSameChunkIdsAndAnUpgradeReplacesOldChunksOnce() throws SQLException {
        List<QualityCorpus.Doc> corpus = QualityCorpus.documents();
        corpus.forEach(doc -> documents.put(doc.name(), new ByteArrayInputStream(doc.bytes()), doc.bytes().length, null));
        try (AiHandlers ai = handlers(table); AiHandlers other = handlers(second)) {
            for (QualityCorpus.Doc doc : corpus) {
                assertThat(ingest(ai, doc.name()).data().get("unchanged").asBoolean()).isFalse();
            }
            List<String> first = rows(table);
            assertThat(first).hasSizeGreaterThan(20);

            for (QualityCorpus.Doc doc : corpus) {
                assertThat(ingest(ai, doc.name()).data().get("unchanged").asBoolean()).as(doc.name()).isTrue();
                ingest(other, doc.name());
            }
            assertThat(rows(table)).isEqualTo(first);
            assertThat(rows(second)).as("another run of the same code").isEqualTo(first);

            // Chunks as the earlier extraction stored them: the same document hash, other text, no text_sha256.
            try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + table + " SET metadata = metadata - 'text_sha256',"
                        + " text = 'Northwind Logistics - Employee Handbook 2026 ' || text"
                        + " WHERE metadata->>'filename' = 'handbook.pdf'");
            }
            assertThat(rows(table)).isNotEqualTo(first);
            TaskResult upgrade = ingest(ai, "handbook.pdf");
            assertThat(upgrade.data().get("unchanged").asBoolean()).isFalse();
            assertThat(upgrade.data().get("boilerplate_lines").asInt()).isPositive();
            assertThat(rows(table)).isEqualTo(first);
            assertThat(ingest(ai, "handbook.pdf").data().get("unchanged").asBoolean()).isTrue();
        }
    }

    private static AiHandlers handlers(String tableName) {
        return AiHandlers.create(AiSettings.builder().clientId("reingest").databaseUrl(TestDatabase.urlString())
                .pgvectorTable(tableName).build());
    }

    private TaskResult ingest(AiHandlers ai, String filename) {
        return ai.ingest().handle(TestTasks.aTask("ingest").payload("filename", filename)
                .payload("document_set", "quality").build(), new TestTaskContext(documents, 1));
    }

    /** Every row as id, text, metadata and embedding, in id order. */
    private static List<String> rows(String tableName) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestDatabase.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT embedding_id, text, metadata::text, embedding::text FROM "
                        + tableName + " ORDER BY embedding_id")) {
            while (r.next()) {
                out.add(r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4).hashCode());
            }
        }
        return out;
    }
}
