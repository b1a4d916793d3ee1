package dev.queueworker.runner.internal.config;

import static dev.queueworker.runner.internal.config.EnvironmentVariables.option;
import static dev.queueworker.runner.internal.config.EnvironmentVariables.secretOption;

import dev.queueworker.core.OkHttpWebhookNotifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The webhook notifier's variables ({@code WEBHOOK_SECRET}, {@code WEBHOOK_ALLOWED_HOSTS},
 * {@code WEBHOOK_CONNECT_TIMEOUT}, {@code WEBHOOK_READ_TIMEOUT}, {@code WEBHOOK_MAX_QUICK_ATTEMPTS}),
 * each checked by the notifier's own builder when read.
 *
 * @param secret           nullable: unsigned webhooks
 * @param allowedHosts     empty: any host the SSRF guard allows
 * @param connectTimeout   nullable: the notifier's default
 * @param readTimeout      nullable: the notifier's default
 * @param maxQuickAttempts nullable: the notifier's default
 */
public record WebhookSettings(String secret, List<String> allowedHosts, Duration connectTimeout, Duration readTimeout,
        Integer maxQuickAttempts) {

    public WebhookSettings {
        allowedHosts = List.copyOf(allowedHosts);
    }

    /** @throws ConfigException naming the variable at fault, never quoting the secret */
    static WebhookSettings read(EnvironmentVariables env) {
        OkHttpWebhookNotifier.Builder check = OkHttpWebhookNotifier.builder();
        String secret = env.string("WEBHOOK_SECRET").orElse(null);
        secretOption("WEBHOOK_SECRET", () -> check.secret(secret), "whsec_ followed by Base64 (Standard Webhooks)");
        List<String> hosts = env.string("WEBHOOK_ALLOWED_HOSTS").map(v -> Arrays.stream(v.split(","))
                .map(String::strip).filter(h -> !h.isEmpty()).toList()).orElse(List.of());
        option("WEBHOOK_ALLOWED_HOSTS", () -> check.allowedHosts(hosts));
        Duration connect = env.duration("WEBHOOK_CONNECT_TIMEOUT").orElse(null);
        if (connect != null) {
            option("WEBHOOK_CONNECT_TIMEOUT", () -> check.connectTimeout(connect));
        }
        Duration read = env.duration("WEBHOOK_READ_TIMEOUT").orElse(null);
        if (read != null) {
            option("WEBHOOK_READ_TIMEOUT", () -> check.readTimeout(read));
        }
        Integer attempts = env.integer("WEBHOOK_MAX_QUICK_ATTEMPTS", 1, 100).orElse(null);
        return new WebhookSettings(secret, hosts, connect, read, attempts);
    }

    /** A new notifier builder with these settings; each caller adds its own HTTP client and builds. */
    public OkHttpWebhookNotifier.Builder notifierBuilder() {
        OkHttpWebhookNotifier.Builder b = OkHttpWebhookNotifier.builder().secret(secret).allowedHosts(allowedHosts);
        Optional.ofNullable(connectTimeout).ifPresent(b::connectTimeout);
        Optional.ofNullable(readTimeout).ifPresent(b::readTimeout);
        Optional.ofNullable(maxQuickAttempts).ifPresent(b::maxAttempts);
        return b;
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "WebhookSettings[secret=" + (secret == null ? "unset" : "<set>") + ", allowedHosts=" + allowedHosts
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", maxQuickAttempts="
                + maxQuickAttempts + "]";
    }
}
