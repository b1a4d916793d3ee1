package com.example.embedded;

import dev.queueworker.core.WebhookSignature;
import java.time.Duration;

/**
 * The application's settings, read from environment variables with the names the queue-worker daemon
 * uses (see docs/configuration.md), so one {@code .env} file or systemd {@code EnvironmentFile=}
 * serves both. A bad value throws {@link IllegalArgumentException} naming the variable; secrets are
 * never quoted, and {@link #toString()} hides them.
 */
public record AppConfig(
        String connectionString,
        String containerName,
        String clientId,
        String webhookUrl,
        String webhookSecret,
        int maxMessages,
        Duration visibilityTimeout,
        Duration pollingInterval,
        Duration shutdownTimeout) {

    public static AppConfig from(Env env) {
        String connectionString = env.string("AZURE_STORAGE_CONNECTION_STRING").orElseThrow(() ->
                new IllegalArgumentException("AZURE_STORAGE_CONNECTION_STRING must be set"
                        + " (UseDevelopmentStorage=true for a local Azurite)"));
        String secret = env.string("WEBHOOK_SECRET").orElse(null);
        if (secret != null) {
            try {
                WebhookSignature.validateSecret(secret);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("WEBHOOK_SECRET must be whsec_ followed by Base64");
            }
        }
        return new AppConfig(
                connectionString,
                env.string("AZURE_STORAGE_CONTAINER_NAME").orElse("documents"),
                env.string("CLIENT_ID").orElse("default"),
                env.string("WEBHOOK_URL").orElse(null),
                secret,
                env.integer("WORKER_MAX_MESSAGES", 1, 32).orElse(10),
                env.duration("WORKER_VISIBILITY_TIMEOUT").orElse(Duration.ofSeconds(30)),
                env.duration("WORKER_POLLING_INTERVAL").orElse(Duration.ofSeconds(5)),
                env.duration("WORKER_SHUTDOWN_TIMEOUT").orElse(Duration.ofSeconds(30)));
    }

    @Override
    public String toString() {
        return "AppConfig[clientId=" + clientId + ", container=" + containerName
                + ", connectionString=<set, not shown>, webhookSecret=" + (webhookSecret == null ? "none" : "<set, not shown>")
                + ", webhookUrl=" + (webhookUrl == null ? "none" : webhookUrl) + ", maxMessages=" + maxMessages
                + ", visibilityTimeout=" + visibilityTimeout + ", pollingInterval=" + pollingInterval
                + ", shutdownTimeout=" + shutdownTimeout + "]";
    }
}
