package dev.queueworker.runner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import dev.queueworker.ai.ChunkStores;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.wiring.Components;
import dev.queueworker.test.Azurite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus of common mistakes, tried as a new operator would: each message is one line in our
 * words naming the variable or option and the fix, never a library's advice, a stack or a secret.
 * Real services: Azurite, the test PostgreSQL (127.0.0.1:55432), and closed ports.
 */
class OperatorMessagesIT {
    private static final String WRONG_KEY = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktd3Jvbmcta2V5LXdyb25nLWtleQ==";
    private static Azurite azurite;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() {
        azurite.close();
    }

    private int cli(Map<String, String> env, String... args) {
        return Cli.execute(new CliContext(env, dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMistypedOptionIsOneLineNamingItAndWhereHelpIs() {
        assertThat(cli(Map.of("QUEUE_PROVIDER", "mock"), "run", "--clinet", "southhaven")).isEqualTo(Cli.USAGE);

        assertThat(err().lines()).hasSize(1);
        assertThat(err()).contains("'--clinet'").contains("(see: queue-worker run --help)");
    }

    @Test
    void aWrongAccountKeyNamesTheVariableAndTheFixNotTheSdksStringToSign() {
        String wrong = azurite.connectionString().replaceAll("AccountKey=[^;]+", "AccountKey=" + WRONG_KEY);

        int exit = cli(Map.of("AZURE_STORAGE_CONNECTION_STRING", wrong, "WORKER_DATA_DIR", dir.toString(),
                "WORKER_TASK_TYPES", "summarize"), "run");

        assertThat(exit).isEqualTo(Cli.FAILURE);
        assertThat(err().lines()).hasSize(1);
        assertThat(err()).startsWith("queue-worker: Azure Storage at 127.0.0.1:" + azurite.queuePort()
                        + " refused the credentials (HTTP 403")
                .contains("the AccountKey in AZURE_STORAGE_CONNECTION_STRING is wrong")
                .doesNotContain("string to sign").doesNotContain("StringToSign").doesNotContain(WRONG_KEY);
    }

    @Test
    void anUnreachableEndpointNamesHostPortAndVariable() throws Exception {
        int closed = closedPort();
        RunnerConfig config = RunnerConfig.load(Map.of("AZURE_STORAGE_CONNECTION_STRING",
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + WRONG_KEY
                        + ";QueueEndpoint=http://127.0.0.1:" + closed + "/devstoreaccount1",
                "AZURE_STORAGE_MAX_TRIES", "1", "AZURE_STORAGE_TRY_TIMEOUT", "2s"), dir, null);
        OkHttpClient http = Components.httpClient();

        RuntimeException e = catchRuntimeException(() -> Components.queue(config, http).close());
        String message = OperatorMessages.azure(e, config);

        assertThat(message).startsWith("Azure Storage at 127.0.0.1:" + closed + " does not answer (")
                .contains("is Azurite running?").contains("AZURE_STORAGE_CONNECTION_STRING")
                .doesNotContain(WRONG_KEY).doesNotContain("\n");
    }

    @Test
    void aDatabaseThatDoesNotAnswerNamesHostPortAndDatabaseUrl() throws Exception {
        String url = "postgresql://queueworker:hunter2@127.0.0.1:" + closedPort() + "/chunks";
        RunnerConfig config = RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock", "DATABASE_URL", url), dir, null);

        RuntimeException e = catchRuntimeException(() -> ChunkStores.pgvector(url, "document_chunks", 384).close());
        String message = OperatorMessages.database(e, config);

        assertThat(message).startsWith("PostgreSQL at 127.0.0.1:").contains("/chunks cannot be used (")
                .contains("check the host and port in DATABASE_URL").doesNotContain("hunter2")
                .doesNotContain("RetryableException").doesNotContain(" in PostgreSQL");
    }

    @Test
    void aWrongDatabasePasswordSaysSoAndNamesDatabaseUrl() {
        String url = "postgresql://queueworker:not-the-password@127.0.0.1:55432/queueworker_test";
        RunnerConfig config = RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock", "DATABASE_URL", url), dir, null);

        RuntimeException e = catchRuntimeException(() -> ChunkStores.pgvector(url, "document_chunks", 384).close());

        assertThat(OperatorMessages.database(e, config)).isEqualTo("PostgreSQL at 127.0.0.1:55432/queueworker_test"
                + " refused the user or password: check the user and password in DATABASE_URL");
    }

    @Test
    void aTableOfAnotherDimensionNamesTheVariablesBesideTheOptions() throws Exception {
        String url = "postgresql://queueworker:queueworker@127.0.0.1:55432/queueworker_test";
        String table = "operator_messages_" + Long.toHexString(System.nanoTime());
        RunnerConfig config = RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock", "DATABASE_URL", url), dir, null);
        ChunkStores.pgvector(url, table, 8).close();
        try {
            RuntimeException e = catchRuntimeException(() -> ChunkStores.pgvector(url, table, 16).close());

            assertThat(OperatorMessages.database(e, config)).startsWith("PostgreSQL at 127.0.0.1:55432/queueworker_test:"
                    + " table " + table).contains("dimension 8").contains("dimension 16")
                    .endsWith("('databaseUrl' is DATABASE_URL, 'pgvectorTable' is PGVECTOR_TABLE)");
        } finally {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:55432/queueworker_test", "queueworker", "queueworker");
                 java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
