package dev.queueworker.runner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.queueworker.runner.internal.wiring.DataDirectory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return Cli.execute(new CliContext(env, dir, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "demo", "submit", "check", "poison", "version"})
    void everyCommandHasHelp(String command) {
        assertThat(run(Map.of(), command, "--help")).isZero();
        assertThat(out()).startsWith("Usage: queue-worker " + command);
        assertThat(err()).isEmpty();
    }

    @Test
    void theTopLevelHelpListsCommandsAndExitCodes() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).contains("run ", "demo ", "submit ", "check ", "poison ", "version ",
                "Exit codes:", "2  bad usage or configuration").doesNotContain("bench ");
    }

    @Test
    void noCommandOrAnUnknownOneIsBadUsage() {
        assertThat(run(Map.of())).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("name a command");
        assertThat(run(Map.of(), "serve")).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("Unmatched argument at index 0: 'serve'");
    }

    @Test
    void versionPrintsTheVersionAndRuntime() {
        assertThat(run(Map.of(), "version")).isZero();
        assertThat(out()).startsWith("queue-worker ").contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void aBadVariablePrintsOneLineAndExits2WithoutStartingAnything() {
        assertThat(run(Map.of("QUEUE_PROVIDER", "mock", "WORKER_MAX_MESSAGES", "40"), "run")).isEqualTo(Cli.USAGE);
        assertThat(err()).isEqualTo("queue-worker: configuration error: WORKER_MAX_MESSAGES: 'maxMessages' must be"
                + " between 1 and 32, was 40" + System.lineSeparator());
        assertThat(out()).isEmpty();
    }

    @Test
    void secretsStayOutOfConfigurationErrors() {
        String key = "c2VjcmV0LWFjY291bnQta2V5LXRoYXQtbXVzdC1uZXZlci1zaG93";
        assertThat(run(Map.of("AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;Key=" + key,
                "DATABASE_URL", "postgresql://u:hunter2@db:port/x"), "run")).isEqualTo(Cli.USAGE);
        assertThat(err()).startsWith("queue-worker: configuration error: AZURE_STORAGE_CONNECTION_STRING")
                .doesNotContain(key);
        assertThat(run(Map.of("QUEUE_PROVIDER", "mock", "DATABASE_URL", "postgresql://u:hunter2@db:port/x"), "run"))
                .isEqualTo(Cli.USAGE);
        assertThat(err()).contains("DATABASE_URL").doesNotContain("hunter2");
    }

    @Test
    void runStopsOnADataDirectoryAnotherClientClaimed() throws Exception {
        Path shared = dir.resolve("shared-data");
        Files.createDirectories(shared);
        Files.writeString(shared.resolve(DataDirectory.MARKER),
                "alpha\n");
        int code = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> run(Map.of("QUEUE_PROVIDER", "mock", "DOCUMENT_STORE", "memory", "CLIENT_ID", "beta",
                        "WORKER_DATA_DIR", shared.toString()), "run"));
        assertThat(code).isEqualTo(Cli.USAGE);
        assertThat(err()).isEqualTo("queue-worker: configuration error: WORKER_DATA_DIR " + shared + " belongs to"
                + " client alpha (" + shared.resolve(".queue-worker-client") + "), and this worker serves beta: set"
                + " WORKER_DATA_DIR to a directory of beta's own (two clients must not share its chunks.json and"
                + " console files)" + System.lineSeparator());
    }

    /** Two workers of one client on one WORKER_DATA_DIR (queue-worker-alpha@1 and @2 with the file store). */
    @Test
    void runStopsOnAVectorStoreAnotherWorkerHolds() throws Exception {
        Path data = dir.resolve("held-data");
        try (dev.queueworker.ai.ChunkStore held = dev.queueworker.ai.ChunkStores.file(data, 384)) {
            int code = assertTimeoutPreemptively(Duration.ofSeconds(120),
                    () -> run(Map.of("QUEUE_PROVIDER", "mock", "DOCUMENT_STORE", "memory", "CLIENT_ID", "alpha",
                            "WORKER_DATA_DIR", data.toString(), "WORKER_TASK_TYPES", "ingest"), "run"));
            assertThat(code).isEqualTo(Cli.FAILURE);
        }
        assertThat(err()).isEqualTo("queue-worker: the vector store in WORKER_DATA_DIR cannot be used: the chunk store in "
                + data + " (WORKER_DATA_DIR) is open in another worker (this process or another): give each worker"
                + " process and each client its own data directory, or use pgvector to share chunks"
                + System.lineSeparator());
    }

    @Test
    void runRefusesToServeAnotherClientThanItsClientOption() {
        assertThat(run(Map.of("QUEUE_PROVIDER", "mock", "CLIENT_ID", "southhaven"), "run", "--client", "demo"))
                .isEqualTo(Cli.USAGE);
        assertThat(err()).startsWith("queue-worker: configuration error: CLIENT_ID is 'southhaven' (the environment)"
                + " but this worker runs with --client demo").endsWith("'demo'" + System.lineSeparator());
        assertThat(err().lines()).hasSize(1);
        assertThat(out()).isEmpty();
        assertThat(run(Map.of("QUEUE_PROVIDER", "mock", "CLIENT_ID", "southhaven"), "check", "--client", "demo"))
                .isEqualTo(Cli.USAGE);
    }

    @Test
    void aMissingEnvFileIsBadUsage() {
        assertThat(run(Map.of(), "run", "--env-file", "nope.env")).isEqualTo(Cli.USAGE);
        assertThat(err()).isEqualTo("queue-worker: configuration error: --env-file nope.env: no such file"
                + System.lineSeparator());
    }

    @Test
    void benchSaysWhereTheBenchmarksWentInOneLine() {
        assertThat(run(Map.of(), "bench", "azure", "--messages", "10")).isEqualTo(Cli.USAGE);
        assertThat(err()).isEqualTo("queue-worker: " + BenchCommand.MOVED + System.lineSeparator());
        assertThat(run(Map.of(), "bench")).isEqualTo(Cli.USAGE);
        assertThat(err()).contains("./scripts/bench-engine.sh");
    }
}
