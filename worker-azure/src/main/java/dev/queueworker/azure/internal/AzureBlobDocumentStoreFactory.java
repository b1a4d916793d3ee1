package dev.queueworker.azure.internal;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.DocumentStoreFactory;
import dev.queueworker.api.ProbeFactory;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzureProbes;
import java.util.List;
import okhttp3.OkHttpClient;

/**
 * The built-in document store {@code azure}, found by {@code ServiceLoader} like a plugin's. Options:
 * {@code connectionString} or {@code accountName}, and {@code containerName}; a shared
 * {@link OkHttpClient} is used when the host gives one. Its probe is {@link AzureProbes#documents}'.
 */
public final class AzureBlobDocumentStoreFactory implements DocumentStoreFactory, ProbeFactory {

    @Override
    public String name() {
        return "azure";
    }

    @Override
    public DocumentStore create(ProviderSettings settings) {
        return builder(settings).build();
    }

    @Override
    public List<ConnectivityProbe> probes(ProviderSettings settings) {
        return AzureProbes.documents(settings);
    }

    /** A builder set from {@code settings}' options. */
    public static AzureBlobDocumentStore.Builder builder(ProviderSettings settings) {
        AzureBlobDocumentStore.Builder b = AzureBlobDocumentStore.builder();
        settings.option("containerName").ifPresent(b::containerName);
        settings.option("connectionString").ifPresent(b::connectionString);
        settings.option("accountName").ifPresent(b::accountName);
        settings.shared(OkHttpClient.class).ifPresent(b::okHttpClient);
        return b;
    }
}
