package dev.queueworker.runner.internal.admin;

import dev.queueworker.runner.internal.config.RunnerConfig;
import java.net.UnknownHostException;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Whether the worker's webhook policy ({@code WEBHOOK_ALLOWED_HOSTS}, the link-local and cloud-metadata
 * address rules) would refuse a URL: the notifier's own
 * {@link dev.queueworker.core.OkHttpWebhookNotifier#refusalReason}, as {@code check} applies it to
 * {@code WEBHOOK_URL}. Nothing is sent.
 */
public final class WebhookPolicyCheck {

    private WebhookPolicyCheck() {
    }

    /**
     * Why the worker would refuse to send a webhook to {@code url}, starting with the URL as shown to
     * people (no credentials, query or fragment); empty when it would send, or when the host does not
     * resolve here (the worker may resolve it, and checks again when it sends).
     */
    public static Optional<String> refusal(RunnerConfig config, String url) {
        HttpUrl parsed = HttpUrl.parse(url.strip());
        if (parsed == null) {
            return Optional.of(url + ": not an http(s) URL");
        }
        Optional<String> reason;
        try {
            reason = config.webhooks().notifierBuilder().build().refusalReason(url);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return reason.map(r -> shown(parsed) + ": " + r.replace("allowedHosts", "WEBHOOK_ALLOWED_HOSTS")
                + "; the worker would refuse to send the outcome there");
    }

    /** {@code url} without credentials, query or fragment, which may hold tokens. */
    public static String shown(HttpUrl url) {
        return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
    }
}
