package com.example.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

    private static final String CONNECTION = "UseDevelopmentStorage=true";

    private static AppConfig read(Map<String, String> variables) {
        return AppConfig.from(Env.of(Map.copyOf(variables)));
    }

    @Test
    void onlyTheConnectionStringIsRequired() {
        AppConfig config = read(Map.of("AZURE_STORAGE_CONNECTION_STRING", CONNECTION));

        assertThat(config.clientId()).isEqualTo("default");
        assertThat(config.containerName()).isEqualTo("documents");
        assertThat(config.webhookUrl()).isNull();
        assertThat(config.webhookSecret()).isNull();
        assertThat(config.maxMessages()).isEqualTo(10);
        assertThat(config.pollingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsTheDaemonsVariables() {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_STORAGE_CONNECTION_STRING", CONNECTION);
        env.put("CLIENT_ID", "shop");
        env.put("AZURE_STORAGE_CONTAINER_NAME", "exports");
        env.put("WEBHOOK_URL", "https://app.example/hooks");
        env.put("WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        env.put("WORKER_MAX_MESSAGES", "4");
        env.put("WORKER_POLLING_INTERVAL", "500ms");
        env.put("WORKER_VISIBILITY_TIMEOUT", "2m");
        env.put("WORKER_SHUTDOWN_TIMEOUT", "45"); // bare seconds, as the deployment guide writes them

        AppConfig config = read(env);

        assertThat(config.clientId()).isEqualTo("shop");
        assertThat(config.containerName()).isEqualTo("exports");
        assertThat(config.maxMessages()).isEqualTo(4);
        assertThat(config.pollingInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.visibilityTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(config.toString()).doesNotContain("MfKQ9r8G", CONNECTION).contains("<set, not shown>");
    }

    @Test
    void aMissingConnectionStringIsNamed() {
        assertThatThrownBy(() -> read(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("AZURE_STORAGE_CONNECTION_STRING must be set");
    }

    @Test
    void aBadValueIsNamed() {
        assertThatThrownBy(() -> read(Map.of("AZURE_STORAGE_CONNECTION_STRING", CONNECTION,
                "WORKER_MAX_MESSAGES", "40")))
                .hasMessage("WORKER_MAX_MESSAGES must be 1 to 32, was 40");
        assertThatThrownBy(() -> read(Map.of("AZURE_STORAGE_CONNECTION_STRING", CONNECTION,
                "WORKER_POLLING_INTERVAL", "soon")))
                .hasMessageStartingWith("WORKER_POLLING_INTERVAL must be a duration");
    }

    @Test
    void aBadSecretIsNamedButNotQuoted() {
        assertThatThrownBy(() -> read(Map.of("AZURE_STORAGE_CONNECTION_STRING", CONNECTION,
                "WEBHOOK_SECRET", "whsec_not*base64")))
                .hasMessage("WEBHOOK_SECRET must be whsec_ followed by Base64");
    }
}
