package dev.queueworker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.test.Azurite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * worker-azure's check probes against a real Azurite: missing queues and container are OK and left
 * missing, depths are reported, a wrong key and a closed port FAIL with the hint that fits, and no
 * result quotes the key.
 */
class AzureProbesIT {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final String KEY_START = "Eby8vdM02";
    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    private static String freshClient() {
        return "probed-" + CLIENTS.incrementAndGet();
    }

    private static ProviderSettings settings(String clientId, String connectionString, String container) {
        return new ProviderSettings(clientId, Map.of("connectionString", connectionString, "containerName", container),
                Map.of(OkHttpClient.class, new OkHttpClient()));
    }

    /** Runs the probes in order, as a host does, and returns their results. */
    private static List<ProbeResult> run(List<ConnectivityProbe> probes) {
        List<ProbeResult> results = probes.stream().map(ConnectivityProbe::probe).toList();
        assertThat(results.toString()).doesNotContain(KEY_START);
        return results;
    }

    /** Azurite's connection string with another (well-formed) account key. */
    private static String wrongKey() {
        String cs = azurite.connectionString();
        int start = cs.indexOf("AccountKey=") + "AccountKey=".length();
        int end = cs.indexOf(';', start);
        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        return cs.substring(0, start) + otherKey + cs.substring(end);
    }

    /** A connection string to 127.0.0.1 on a port nothing listens on. */
    private static String closedPort() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return azurite.connectionString().replace(":" + azurite.queuePort() + "/", ":" + port + "/")
                .replace(":" + azurite.blobPort() + "/", ":" + port + "/");
    }

    @Test
    void missing_queues_are_ok_and_left_missing_and_depths_are_reported() {
        String client = freshClient();
        ProviderSettings settings = settings(client, azurite.connectionString(), "documents");
        List<ConnectivityProbe> probes = AzureProbes.queue(settings);
        assertThat(probes).extracting(ConnectivityProbe::name).containsExactly("queue", "poison queue");
        assertThat(probes).allSatisfy(p -> assertThat(p.deadline()).isEqualTo(Duration.ofSeconds(15)));

        List<ProbeResult> missing = run(probes);

        assertThat(missing).containsExactly(
                ProbeResult.ok(client + "-tasks does not exist yet; run creates it"),
                ProbeResult.ok(client + "-tasks-poison does not exist yet; run creates it"));
        AzureQueueProvider queue = AzureQueueProvider.builder().connectionString(azurite.connectionString())
                .clientId(client).createQueues(false).build();
        assertThat(queue.exists()).as("the probes create no queue").isFalse();

        AzureQueueProvider created = AzureQueueProvider.builder().connectionString(azurite.connectionString())
                .clientId(client).build();
        created.send("{\"task_type\":\"x\"}", Duration.ZERO);
        assertThat(run(AzureProbes.queue(settings))).containsExactly(
                ProbeResult.ok(client + "-tasks: about 1 message"),
                ProbeResult.ok(client + "-tasks-poison: about 0 messages"));

        created.moveToPoison(created.receive(1, Duration.ofSeconds(30)).get(0).receipt(), "{\"reason\":\"test\"}");
        created.send("{\"task_type\":\"y\"}", Duration.ZERO);
        created.send("{\"task_type\":\"z\"}", Duration.ZERO);
        assertThat(run(AzureProbes.queue(settings))).containsExactly(
                ProbeResult.ok(client + "-tasks: about 2 messages"),
                ProbeResult.ok(client + "-tasks-poison: about 1 message (see: queue-worker poison list)"));
    }

    @Test
    void a_missing_container_is_ok_and_left_missing_and_an_existing_one_is_reachable() {
        String container = "probed-" + CLIENTS.incrementAndGet();
        ProviderSettings settings = settings(freshClient(), azurite.connectionString(), container);
        List<ConnectivityProbe> probes = AzureProbes.documents(settings);
        assertThat(probes).extracting(ConnectivityProbe::name).containsExactly("documents");

        assertThat(run(probes)).containsExactly(
                ProbeResult.ok("container " + container + " does not exist yet; run and submit create it"));
        AzureBlobDocumentStore store = AzureBlobDocumentStore.builder().connectionString(azurite.connectionString())
                .containerName(container).createContainer(false).build();
        assertThatThrownBy(() -> store.list("")).as("the probe creates no container")
                .isInstanceOfSatisfying(PermanentException.class, e -> assertThat(e.statusCode()).isEqualTo(404));

        AzureBlobDocumentStore.builder().connectionString(azurite.connectionString()).containerName(container).build();
        assertThat(run(AzureProbes.documents(settings))).containsExactly(
                ProbeResult.ok("container " + container + " reachable"));
    }

    @Test
    void a_wrong_key_fails_every_row_with_the_account_and_key_hint() {
        ProviderSettings settings = settings(freshClient(), wrongKey(), "documents");
        String hint = "check {connectionString} (account and key), or the identity's role with {accountName}";

        List<ProbeResult> queues = run(AzureProbes.queue(settings));
        List<ProbeResult> documents = run(AzureProbes.documents(settings));

        assertThat(queues.get(0).status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(queues.get(0).detail()).contains("HTTP 403");
        assertThat(queues.get(0).hint()).isEqualTo(hint);
        assertThat(queues.get(1).status()).as("Azure answered: the poison queue is asked too")
                .isEqualTo(ProbeResult.Status.FAIL);
        assertThat(queues.get(1).hint()).isEqualTo(hint);
        assertThat(documents.get(0).status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(documents.get(0).detail()).contains("403");
        assertThat(documents.get(0).hint()).isEqualTo(hint);
    }

    @Test
    void a_closed_port_fails_with_is_azurite_running_and_skips_the_poison_queue() {
        ProviderSettings settings = settings(freshClient(), closedPort(), "documents");

        List<ConnectivityProbe> probes = AzureProbes.queue(settings);
        List<ProbeResult> queues = run(probes);
        List<ConnectivityProbe> documentProbes = AzureProbes.documents(settings);
        List<ProbeResult> documents = run(documentProbes);

        assertThat(queues.get(0).status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(queues.get(0).detail()).contains("Connection refused");
        assertThat(queues.get(0).hint()).isEqualTo(AzureProbes.AZURITE_NOT_RUNNING);
        assertThat(queues.get(1)).isEqualTo(ProbeResult.skip("Azure Storage does not answer (see queue)"));
        assertThat(documents.get(0).status()).isEqualTo(ProbeResult.Status.FAIL);
        assertThat(documents.get(0).hint()).isEqualTo(AzureProbes.AZURITE_NOT_RUNNING);
        assertThat(probes.get(0).timeoutHint()).isEqualTo(AzureProbes.AZURITE_NOT_RUNNING);
        assertThat(documentProbes.get(0).timeoutHint()).isEqualTo(AzureProbes.AZURITE_NOT_RUNNING);
    }
}
