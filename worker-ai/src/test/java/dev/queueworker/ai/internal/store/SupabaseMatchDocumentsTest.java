package dev.queueworker.ai.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * docs/supabase.md's {@code match_documents}, exactly as the page writes it (read from the page),
 * against a table two clients share: each call returns its own client's rows only.
 */
class SupabaseMatchDocumentsTest extends ChunkStoreTestBase {
    private static final Path PAGE = Path.of("..", "docs", "supabase.md");

    private final String table = TestDatabase.newTableName();
    private final String function = table + "_match";

    @Override
    protected ChunkStore openStore(int dimension) {
        return PgVectorChunkStore.builder(TestDatabase.url(), dimension).table(table).build();
    }

    @AfterEach
    void dropTableAndFunction() throws SQLException {
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP FUNCTION IF EXISTS " + function);
        }
        TestDatabase.dropTable(table);
    }

    @Test
    void matchDocumentsReturnsTheNamedClientsChunksOnly() throws Exception {
        ChunkStore store = open(DIMENSION);
        Doc alpha = new Doc("alpha", "manuals", "policy.txt", 1, 3);
        Doc beta = new Doc("beta", "manuals", "policy.txt", 2, 2);
        Doc betaElsewhere = new Doc("beta", "forms", "policy.txt", 3, 2);
        alpha.replaceIn(store);
        beta.replaceIn(store);
        betaElsewhere.replaceIn(store);
        createFunctionFromThePage();

        assertThat(match(beta.embeddings.get(0), "alpha", "{}")).as("alpha, asked with beta's chunk")
                .containsExactlyInAnyOrderElementsOf(alpha.ids);
        assertThat(match(alpha.embeddings.get(0), "beta", "{}"))
                .containsExactlyInAnyOrderElementsOf(concat(beta.ids, betaElsewhere.ids));
        assertThat(match(alpha.embeddings.get(0), "beta", "{\"document_set\": \"manuals\"}"))
                .containsExactlyInAnyOrderElementsOf(beta.ids);
        assertThat(match(alpha.embeddings.get(0), "gamma", "{}")).isEmpty();
        assertThatThrownBy(() -> callWithoutClient(alpha.embeddings.get(0))).isInstanceOf(SQLException.class)
                .as("the client has no default").hasMessageContaining("does not exist");
    }

    private void createFunctionFromThePage() throws IOException, SQLException {
        Matcher sql = Pattern.compile("```sql\n(create or replace function match_documents\\(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(PAGE, StandardCharsets.UTF_8));
        assertThat(sql.find()).as("a match_documents block in " + PAGE).isTrue();
        String definition = sql.group(1).replace("match_documents(", function + "(")
                .replace("vector(384)", "vector(" + DIMENSION + ")").replace("from document_chunks c", "from " + table + " c");
        try (Connection connection = TestDatabase.connect(); Statement statement = connection.createStatement()) {
            statement.execute(definition);
        }
    }

    private List<String> match(dev.langchain4j.data.embedding.Embedding query, String client, String filter)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = TestDatabase.connect();
             PreparedStatement call = connection.prepareStatement("SELECT id, metadata->>'client_id' FROM " + function
                     + "(?::vector, ?, 100, ?::jsonb)")) {
            call.setString(1, query.vectorAsList().toString());
            call.setString(2, client);
            call.setString(3, filter);
            try (ResultSet rows = call.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString(2)).isEqualTo(client);
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private void callWithoutClient(dev.langchain4j.data.embedding.Embedding query) throws SQLException {
        try (Connection connection = TestDatabase.connect();
             PreparedStatement call = connection.prepareStatement("SELECT id FROM " + function
                     + "(query_embedding => ?::vector, match_count => 5)")) {
            call.setString(1, query.vectorAsList().toString());
            call.executeQuery().close();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
