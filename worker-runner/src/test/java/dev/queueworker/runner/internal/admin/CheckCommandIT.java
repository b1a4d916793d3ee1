package dev.queueworker.runner.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.PostgresServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code queue-worker check} reports FAIL with a hint when Azurite or PostgreSQL is stopped, OK when
 * they run. PostgreSQL is a throwaway cluster of this test ({@link PostgresServer}), so stopping it
 * leaves the project's shared server alone.
 */
class CheckCommandIT {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static Azurite azurite;
    private static PostgresServer postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServices() {
        azurite = Azurite.start();
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopServices() {
        if (azurite != null) {
            azurite.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private Map<String, String> env(String table) {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("CLIENT_ID", "checked");
        env.put("DATABASE_URL", postgres.databaseUrl());
        env.put("PGVECTOR_TABLE", table);
        env.put("EMBEDDING_PROVIDER", "local");
        env.put("WEBHOOK_URL", "http://127.0.0.1:9/notify?token=abc");
        return env;
    }

    private static String freshTable() {
        return "check_chunks_" + TABLES.incrementAndGet();
    }

    /** The row of {@code check} in the table output: its RESULT and DETAIL. */
    private static String row(String out, String check) {
        return out.lines().filter(l -> l.startsWith(check + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + check + " in\n" + out));
    }

    /** The hint line right under the row of {@code check}. */
    private static String hint(String out, String check) {
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith(check + " ")) {
                return lines.get(i + 1).strip();
            }
        }
        throw new AssertionError("no row " + check + " in\n" + out);
    }

    @Test
    void check_reports_fail_with_a_hint_when_azurite_or_postgresql_is_stopped_and_ok_when_they_run() {
        String table = freshTable();

        AdminCli.Run ok = AdminCli.run(env(table), dir, "check");

        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).startsWith("CHECK").endsWith("no check failed\n");
        assertThat(row(ok.out(), "queue")).contains("OK").contains("checked-tasks does not exist yet");
        assertThat(row(ok.out(), "poison queue")).contains("OK");
        assertThat(row(ok.out(), "documents")).contains("OK").contains("container documents");
        assertThat(row(ok.out(), "embeddings")).contains("OK").contains("all-minilm-l6-v2-q (local): 384 dimensions");
        assertThat(row(ok.out(), "vector store")).contains("OK").contains("pgvector");
        assertThat(row(ok.out(), "vector table")).contains("OK")
                .contains(table + " does not exist yet: will be created with 384 dimensions");
        assertThat(row(ok.out(), "llm")).contains("SKIP");
        assertThat(row(ok.out(), "webhook")).contains("OK").contains("127.0.0.1").doesNotContain("token=abc");
        assertThat(ok.out() + ok.err()).doesNotContain("Eby8vdM02").doesNotContain(PostgresServer.PASSWORD + "@");
        assertThat(AzureQueueProvider.builder().connectionString(azurite.connectionString()).clientId("checked")
                .createQueues(false).build().exists()).as("check creates no queue").isFalse();
        assertThat(postgres.execute("SELECT to_regclass('" + table + "') IS NULL")).as("nor a table").isEqualTo("t");

        // With queues holding messages, their depths are reported.
        AzureQueueProvider queue = AzureQueueProvider.builder().connectionString(azurite.connectionString())
                .clientId("checked").build();
        queue.send("{\"task_type\":\"x\"}", java.time.Duration.ZERO);
        AdminCli.Run depth = AdminCli.run(env(table), dir, "check");
        assertThat(row(depth.out(), "queue")).contains("checked-tasks: about 1 message");
        assertThat(row(depth.out(), "poison queue")).contains("checked-tasks-poison: about 0 messages");

        postgres.stop();
        try {
            AdminCli.Run noDatabase = AdminCli.run(env(table), dir, "check");
            assertThat(noDatabase.exitCode()).as(noDatabase.toString()).isEqualTo(1);
            assertThat(row(noDatabase.out(), "vector store")).contains("FAIL").contains("Connection to 127.0.0.1:"
                    + postgres.port() + " refused");
            assertThat(hint(noDatabase.out(), "vector store"))
                    .isEqualTo("hint: is PostgreSQL running at 127.0.0.1:" + postgres.port() + "? (DATABASE_URL)");
            assertThat(row(noDatabase.out(), "vector table")).contains("SKIP");
            assertThat(row(noDatabase.out(), "queue")).contains("OK");
            assertThat(noDatabase.out()).endsWith("1 check failed\n");
        } finally {
            postgres.restart();
        }

        azurite.stop();
        try {
            AdminCli.Run noAzure = AdminCli.run(env(table), dir, "check");
            assertThat(noAzure.exitCode()).as(noAzure.toString()).isEqualTo(1);
            assertThat(row(noAzure.out(), "queue")).contains("FAIL").contains("Connection refused");
            assertThat(hint(noAzure.out(), "queue")).isEqualTo("hint: is Azurite running? start it with ./scripts/setup.sh");
            assertThat(row(noAzure.out(), "documents")).contains("FAIL");
            assertThat(hint(noAzure.out(), "documents")).isEqualTo("hint: is Azurite running? start it with ./scripts/setup.sh");
            assertThat(row(noAzure.out(), "vector store")).contains("OK");
            assertThat(noAzure.out()).endsWith("2 checks failed\n");
        } finally {
            azurite.restart();
        }
    }

    @Test
    void a_table_of_another_dimension_a_refused_webhook_host_and_json_output() {
        String table = freshTable();
        postgres.execute("CREATE TABLE " + table + " (embedding_id uuid PRIMARY KEY, embedding vector(1536), text text,"
                + " metadata jsonb)");
        Map<String, String> env = env(table);
        env.put("WEBHOOK_URL", "http://169.254.169.254/latest/meta-data");

        AdminCli.Run run = AdminCli.run(env, dir, "check");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(row(run.out(), "vector table")).contains("FAIL")
                .contains("PGVECTOR_TABLE " + table + " has 1536 dimensions but the model makes 384");
        assertThat(hint(run.out(), "vector table")).startsWith("hint: use another table (PGVECTOR_TABLE)");
        assertThat(row(run.out(), "webhook")).contains("FAIL").contains("link-local");

        env.put("WEBHOOK_URL", "https://app.example/notify");
        env.put("WEBHOOK_ALLOWED_HOSTS", "hooks.example, *.hooks.example");
        AdminCli.Run json = AdminCli.run(env, dir, "check", "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(json.out()).startsWith("[").contains("\"check\" : \"webhook\"").contains("\"result\" : \"fail\"")
                .contains("app.example is not in WEBHOOK_ALLOWED_HOSTS").contains("\"result\" : \"ok\"");
    }

    @Test
    void a_database_without_pgvector_asks_for_create_extension_as_a_superuser() {
        postgres.psql("postgres", "CREATE DATABASE plain OWNER " + PostgresServer.USER);
        Map<String, String> env = env(freshTable());
        env.put("DATABASE_URL", "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:"
                + postgres.port() + "/plain");

        AdminCli.Run run = AdminCli.run(env, dir, "check");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(row(run.out(), "vector store")).contains("FAIL").contains("pgvector is not enabled");
        assertThat(hint(run.out(), "vector store")).isEqualTo("hint: CREATE EXTENSION vector as a superuser");
    }
}
