package dev.queueworker.runner.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.runner.internal.config.RunnerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}'s start-up warning for a WEBHOOK_URL the webhook rules would refuse. */
class RunCommandTest {

    @TempDir
    Path dir;

    private RunnerConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_PROVIDER", "mock", "CLIENT_ID", "southhaven"));
        env.putAll(extra);
        return RunnerConfig.load(env, dir, null);
    }

    @Test
    void aMetadataAddressIsWarnedAbout() {
        assertThat(RunCommand.webhookUrlWarning(config(Map.of("WEBHOOK_URL", "http://169.254.169.254/hook?token=s3cret"))))
                .hasValueSatisfying(w -> assertThat(w)
                        .startsWith("Configuration: WEBHOOK_URL http://169.254.169.254/hook: ")
                        .contains("link-local").contains("poison queue").doesNotContain("s3cret"));
    }

    @Test
    void aHostOutsideTheAllowedHostsIsWarnedAboutByTheVariablesName() {
        assertThat(RunCommand.webhookUrlWarning(config(Map.of("WEBHOOK_URL", "http://127.0.0.1:8080/hook",
                "WEBHOOK_ALLOWED_HOSTS", "app.example"))))
                .hasValueSatisfying(w -> assertThat(w).contains("127.0.0.1 is not in WEBHOOK_ALLOWED_HOSTS"));
    }

    @Test
    void anAllowedOrMissingUrlIsNot() {
        assertThat(RunCommand.webhookUrlWarning(config(Map.of("WEBHOOK_URL", "http://127.0.0.1:8080/hook")))).isEmpty();
        assertThat(RunCommand.webhookUrlWarning(config(Map.of()))).isEmpty();
    }
}
