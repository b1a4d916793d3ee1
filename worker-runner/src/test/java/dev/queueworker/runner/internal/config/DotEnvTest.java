package dev.queueworker.runner.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve(".env"), text);
    }

    @Test
    void readsTheCommonSubsetOfEnvFiles() throws Exception {
        Path f = file("""
                \uFEFF# a comment
                CLIENT_ID=southhaven

                export WORKER_MAX_MESSAGES = 16
                WEBHOOK_URL=https://app.example/notify # trailing comment
                OPENAI_API_KEY="sk-with \\"quotes\\" and # hash"
                BLOB_NAME_TEMPLATE='{document_set}/{filename}'
                EMPTY=
                CLIENT_ID=later-wins
                """);
        assertThat(DotEnv.read(f))
                .containsEntry("CLIENT_ID", "later-wins")
                .containsEntry("WORKER_MAX_MESSAGES", "16")
                .containsEntry("WEBHOOK_URL", "https://app.example/notify")
                .containsEntry("OPENAI_API_KEY", "sk-with \"quotes\" and # hash")
                .containsEntry("BLOB_NAME_TEMPLATE", "{document_set}/{filename}")
                .containsEntry("EMPTY", "")
                .hasSize(6);
    }

    @Test
    void aBadLineNamesFileAndLineButNotItsText() throws Exception {
        Path f = file("CLIENT_ID=ok\nsecret-password-line\n");
        assertThatThrownBy(() -> DotEnv.read(f))
                .isInstanceOf(ConfigException.class)
                .hasMessage(f + " line 2: expected NAME=value");
    }

    @Test
    void anUnclosedQuoteIsRefused() throws Exception {
        Path f = file("OPENAI_API_KEY=\"sk-abc\n");
        assertThatThrownBy(() -> DotEnv.read(f))
                .hasMessage(f + " line 1: the value of OPENAI_API_KEY has no closing \"")
                .hasMessageNotContaining("sk-abc");
    }

    @Test
    void aBadNameIsRefused() throws Exception {
        Path f = file("1CLIENT=x\n");
        assertThatThrownBy(() -> DotEnv.read(f)).hasMessage(f + " line 1: '1CLIENT' is not a variable name");
    }

    @Test
    void textAfterAQuotedValueIsRefused() throws Exception {
        Path f = file("A='x' y\n");
        assertThatThrownBy(() -> DotEnv.read(f)).hasMessage(f + " line 1: unexpected text after the quoted value of A");
    }
}
