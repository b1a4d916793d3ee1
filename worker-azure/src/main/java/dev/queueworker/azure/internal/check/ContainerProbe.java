package dev.queueworker.azure.internal.check;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzureProbes;
import dev.queueworker.azure.internal.AzureBlobDocumentStoreFactory;

/** The {@code documents} probe: the blob container answers one listing, or does not exist yet. */
public final class ContainerProbe implements ConnectivityProbe {

    /** A prefix nothing has: the listing answers whether the container is there, and lists nothing. */
    private static final String PREFIX = ".queue-worker-check/";

    private final ProviderSettings settings;
    private final boolean local;

    private ContainerProbe(ProviderSettings settings) {
        this.settings = settings;
        this.local = AzureFailures.local(settings);
    }

    /** The probe of {@code settings}' container. */
    public static ConnectivityProbe of(ProviderSettings settings) {
        return new ContainerProbe(settings);
    }

    @Override
    public String name() {
        return "documents";
    }

    @Override
    public ProbeResult probe() {
        String container = settings.option("containerName").orElse(AzureBlobDocumentStore.DEFAULT_CONTAINER_NAME);
        try {
            AzureBlobDocumentStore store = AzureBlobDocumentStoreFactory.builder(settings).createContainer(false)
                    .maxTries(1).tryTimeout(AzureProbes.TRY_TIMEOUT).build();
            try {
                store.list(PREFIX);
                return ProbeResult.ok("container " + container + " reachable");
            } catch (PermanentException e) {
                if (e.statusCode() == 404 && "ContainerNotFound".equals(e.errorCode())) {
                    return ProbeResult.ok("container " + container + " does not exist yet; run and submit create it");
                }
                throw e;
            }
        } catch (RuntimeException e) {
            return ProbeResult.fail(AzureFailures.detail(e), AzureFailures.hint(e, local));
        }
    }

    @Override
    public String timeoutHint() {
        return AzureFailures.timeoutHint(local);
    }
}
