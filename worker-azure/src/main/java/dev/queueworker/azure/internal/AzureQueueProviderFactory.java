package dev.queueworker.azure.internal;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProbeFactory;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.QueueProviderFactory;
import dev.queueworker.azure.AzureProbes;
import dev.queueworker.azure.AzureQueueProvider;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import okhttp3.OkHttpClient;

/**
 * The built-in queue provider {@code azure}, found by {@code ServiceLoader} like a plugin's. Options:
 * {@code connectionString} or {@code accountName}, and optionally {@code messageEncoding}
 * ({@code none}, {@code base64}), {@code maxTries}, {@code tryTimeout} (ISO-8601); a shared
 * {@link OkHttpClient} is used when the host gives one. Its probes are {@link AzureProbes#queue}'s.
 */
public final class AzureQueueProviderFactory implements QueueProviderFactory, ProbeFactory {

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public QueueProvider create(ProviderSettings settings) {
        return builder(settings).build();
    }

    @Override
    public List<ConnectivityProbe> probes(ProviderSettings settings) {
        return AzureProbes.queue(settings);
    }

    /** A builder set from {@code settings}' options. */
    public static AzureQueueProvider.Builder builder(ProviderSettings settings) {
        AzureQueueProvider.Builder b = AzureQueueProvider.builder().clientId(settings.clientId());
        settings.option("connectionString").ifPresent(b::connectionString);
        settings.option("accountName").ifPresent(b::accountName);
        settings.option("messageEncoding").ifPresent(v ->
                b.messageEncoding(AzureQueueProvider.MessageEncoding.valueOf(v.toUpperCase(Locale.ROOT))));
        settings.option("maxTries").ifPresent(v -> b.maxTries(Integer.parseInt(v)));
        settings.option("tryTimeout").ifPresent(v -> b.tryTimeout(Duration.parse(v)));
        settings.shared(OkHttpClient.class).ifPresent(b::okHttpClient);
        return b;
    }
}
