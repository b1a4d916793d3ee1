package dev.queueworker.azure;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.azure.internal.check.ContainerProbe;
import dev.queueworker.azure.internal.check.QueueProbes;
import java.util.List;

/**
 * worker-azure's {@link ConnectivityProbe}s, as {@code queue-worker check} runs them: {@code queue}
 * and {@code poison queue} (Azure Storage answers; the queues' approximate depths) and
 * {@code documents} (the blob container answers). The settings are the factories' own
 * ({@code connectionString} or {@code accountName}, {@code containerName}, and a shared
 * {@code OkHttpClient}); each probe tries once, within {@link #TRY_TIMEOUT}, and creates nothing: a
 * missing queue or container is reported as OK, to be made later. Results name options as
 * {@code {connectionString}}, {@code {accountName}}, {@code {containerName}}
 * ({@link dev.queueworker.api.ProbeResult}) and never quote the connection string.
 *
 * <pre>{@code
 * ProviderSettings settings = new ProviderSettings("southhaven", Map.of("connectionString", cs));
 * for (ConnectivityProbe probe : AzureProbes.queue(settings)) {
 *     System.out.println(probe.name() + ": " + probe.probe());
 * }
 * }</pre>
 */
public final class AzureProbes {

    /** How long one request of a probe may take. */
    public static final java.time.Duration TRY_TIMEOUT = java.time.Duration.ofSeconds(5);

    /**
     * The hint when a local endpoint (Azurite: {@code UseDevelopmentStorage=true}, {@code 127.0.0.1},
     * {@code localhost}) does not answer; a host may add how it starts Azurite.
     */
    public static final String AZURITE_NOT_RUNNING = "is Azurite running?";

    private AzureProbes() {
    }

    /**
     * The probes {@code queue} and {@code poison queue} of the queues of {@code settings}' client, in
     * this order: the poison queue is SKIP when the queue probe found Azure Storage not answering.
     */
    public static List<ConnectivityProbe> queue(ProviderSettings settings) {
        return QueueProbes.of(settings);
    }

    /** The probe {@code documents} of {@code settings}' blob container (default {@code documents}). */
    public static List<ConnectivityProbe> documents(ProviderSettings settings) {
        return List.of(ContainerProbe.of(settings));
    }
}
