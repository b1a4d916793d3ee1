package dev.queueworker.runner.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.test.Azurite;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue and document rows of {@code queue-worker check} come from worker-azure's probes: the
 * options their hints name are shown as the variables that set them, and a configuration without
 * Azure skips them. The model rows are left out ({@code WORKER_TASK_TYPES} names no built-in type).
 */
class CheckAzureRowsIT {
    private static Azurite azurite;

    @TempDir
    Path dir;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    private static Map<String, String> env(String connectionString) {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", connectionString);
        env.put("CLIENT_ID", "rows");
        env.put("WORKER_TASK_TYPES", "checksum");
        return env;
    }

    private static String line(String out, String prefix, int offset) {
        List<String> lines = out.lines().toList();
        for (int i = 0; i < lines.size() - offset; i++) {
            if (lines.get(i).startsWith(prefix + " ")) {
                return lines.get(i + offset).strip();
            }
        }
        throw new AssertionError("no row " + prefix + " in\n" + out);
    }

    @Test
    void a_wrong_key_fails_the_azure_rows_with_a_hint_naming_the_variables() {
        String cs = azurite.connectionString();
        int start = cs.indexOf("AccountKey=") + "AccountKey=".length();
        String wrongKey = cs.substring(0, start) + Base64.getEncoder().encodeToString(new byte[64])
                + cs.substring(cs.indexOf(';', start));

        AdminCli.Run run = AdminCli.run(env(wrongKey), dir, "check");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        String hint = "hint: check AZURE_STORAGE_CONNECTION_STRING (account and key), or the identity's role with"
                + " AZURE_STORAGE_ACCOUNT_NAME";
        assertThat(line(run.out(), "queue", 0)).contains("FAIL").contains("HTTP 403");
        assertThat(line(run.out(), "queue", 1)).isEqualTo(hint);
        assertThat(line(run.out(), "poison queue", 0)).contains("FAIL");
        assertThat(line(run.out(), "documents", 0)).contains("FAIL");
        assertThat(line(run.out(), "documents", 1)).isEqualTo(hint);
        assertThat(line(run.out(), "embeddings", 0)).contains("SKIP");
        assertThat(run.out()).endsWith("3 checks failed\n");
        assertThat(run.out() + run.err()).doesNotContain("Eby8vdM02").doesNotContain("AAAAAAAAAAAA");
    }

    @Test
    void without_azure_the_queue_rows_are_skipped_and_documents_dir_is_checked() {
        Map<String, String> env = env(azurite.connectionString());
        env.remove("AZURE_STORAGE_CONNECTION_STRING");
        env.put("QUEUE_PROVIDER", "mock");
        env.put("DOCUMENTS_DIR", dir.resolve("docs").toString());

        AdminCli.Run run = AdminCli.run(env, dir, "check");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(line(run.out(), "queue", 0)).contains("SKIP")
                .contains("QUEUE_PROVIDER=mock: an in-process queue, nothing to reach");
        assertThat(line(run.out(), "poison queue", 0)).contains("SKIP");
        assertThat(line(run.out(), "documents", 0)).contains("OK")
                .contains("DOCUMENTS_DIR " + dir.resolve("docs").toAbsolutePath() + " does not exist yet");
    }
}
