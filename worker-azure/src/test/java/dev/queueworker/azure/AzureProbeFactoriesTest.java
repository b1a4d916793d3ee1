package dev.queueworker.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.DocumentStoreFactory;
import dev.queueworker.api.ProbeFactory;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.api.QueueProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The built-in factories {@code azure}, found by {@code ServiceLoader} as a host finds them, are also
 * {@link ProbeFactory}s; settings they cannot use give failing rows, not exceptions.
 */
class AzureProbeFactoriesTest {

    private static final String AZURITE = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
            + "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private static <F> F azure(Class<F> type, java.util.function.Function<F, String> nameOf) {
        return ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get)
                .filter(f -> nameOf.apply(f).equals("azure")).findFirst().orElseThrow();
    }

    @Test
    void the_azure_factories_found_by_service_loader_contribute_their_probes() {
        ProviderSettings settings = new ProviderSettings("southhaven", Map.of("connectionString", AZURITE));

        QueueProviderFactory queues = azure(QueueProviderFactory.class, QueueProviderFactory::name);
        DocumentStoreFactory documents = azure(DocumentStoreFactory.class, DocumentStoreFactory::name);

        assertThat(queues).isInstanceOf(ProbeFactory.class);
        assertThat(((ProbeFactory) queues).probes(settings)).extracting(ConnectivityProbe::name)
                .containsExactly("queue", "poison queue");
        assertThat(documents).isInstanceOf(ProbeFactory.class);
        assertThat(((ProbeFactory) documents).probes(settings)).extracting(ConnectivityProbe::name)
                .containsExactly("documents");
    }

    @Test
    void unusable_queue_settings_fail_the_queue_row_and_skip_the_poison_row() {
        ProviderSettings settings = new ProviderSettings("Not_A_Queue_Name", Map.of("connectionString", AZURITE));

        List<ProbeResult> results = AzureProbes.queue(settings).stream().map(ConnectivityProbe::probe).toList();

        assertThat(results.get(0).status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(results.get(0).detail()).startsWith("IllegalArgumentException: ");
        assertThat(results.get(0).hint()).isEqualTo("check {connectionString} and {containerName}");
        assertThat(results.get(1)).isEqualTo(ProbeResult.skip("the queue settings are unusable"));
        assertThat(results.toString()).doesNotContain("Eby8vdM02");
    }

    @Test
    void a_remote_account_that_does_not_answer_gets_a_hint_naming_the_options_not_azurite() {
        ProviderSettings settings = new ProviderSettings("southhaven", Map.of("accountName", "southhaven"));

        List<ConnectivityProbe> probes = AzureProbes.queue(settings);

        assertThat(probes.get(0).timeoutHint())
                .isEqualTo("is Azure Storage reachable from here? check {connectionString} or {accountName}");
    }
}
