package dev.queueworker.runner.tenants;

import static dev.queueworker.runner.tenants.TenantsFixture.ingest;
import static dev.queueworker.runner.tenants.TenantsFixture.text;
import static dev.queueworker.runner.tenants.TenantsFixture.upload;
import static dev.queueworker.runner.tenants.TenantsFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.TaskMessage;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clients whose documents are in one blob container on real Azurite, as a shared {@code .env}
 * makes it: refused while the blob name template has no client folder (tenants mode and a
 * per-client service alike), and with {@code {client_id}/} in it each client reads only its own
 * documents, whatever a task's payload names.
 */
class SharedContainerIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);

    static Azurite azurite;

    @TempDir
    Path work;

    @BeforeAll
    static void services() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopServices() {
        azurite.close();
    }

    @Test
    void tenantsSharingAContainerAreStoppedUntilEachHasItsFolderThenReadOnlyTheirOwn() throws Exception {
        String run = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999));
        String alpha = "alpha" + run;
        String beta = "beta" + run;
        String container = "shared-" + run;
        Path dir = work.resolve("tenants");
        String shared = "AZURE_STORAGE_CONNECTION_STRING=" + azurite.connectionString() + "\n"
                + "AZURE_STORAGE_CONTAINER_NAME=" + container + "\nVECTOR_STORE=memory\nWORKER_TASK_TYPES=ingest\n"
                + "WORKER_POLLING_INTERVAL=1s\nWORKER_MIN_POLLING_INTERVAL=100ms\nWEBHOOK_ALLOWED_HOSTS=127.0.0.1\n";
        try (RecordingWebhookReceiver receiverA = RecordingWebhookReceiver.start();
                RecordingWebhookReceiver receiverB = RecordingWebhookReceiver.start()) {
            write(dir.resolve(".env"), shared);
            write(dir.resolve("clients/" + alpha + ".env"), "WEBHOOK_URL=" + receiverA.url() + "\n");
            write(dir.resolve("clients/" + beta + ".env"), "WEBHOOK_URL=" + receiverB.url() + "\n");
            upload(azurite, container, alpha + "/harbour.txt", text("harbour"));
            upload(azurite, container, beta + "/library.txt", text("library"));
            upload(azurite, container, "library.txt", text("library"));

            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, Map.of(), "512m", "run", "--tenants",
                    dir.toString())) {
                daemon.awaitOutput("Tenants: client " + alpha + " stopped: AZURE_STORAGE_CONTAINER_NAME " + container
                        + " is shared with client " + beta + ", and BLOB_NAME_TEMPLATE {filename} has no {client_id}/"
                        + " folder, so they could read each other's documents: set AZURE_STORAGE_CONTAINER_NAME in "
                        + dir.resolve("clients/" + alpha + ".env") + " to a container of " + alpha + "'s own, or"
                        + " BLOB_NAME_TEMPLATE={client_id}/{filename} and upload " + alpha + "'s documents under "
                        + alpha + "/", DEADLINE);
                daemon.awaitOutput("Tenants: client " + beta + " stopped: AZURE_STORAGE_CONTAINER_NAME " + container
                        + " is shared with client " + alpha + ",", DEADLINE);
                assertThat(daemon.output()).doesNotContain("Processing task");

                write(dir.resolve(".env"), shared + "BLOB_NAME_TEMPLATE={client_id}/{filename}\n");
                TenantsFixture.reload(daemon.pid());
                daemon.awaitOutput("Tenants: client " + alpha + " ready", DEADLINE);
                daemon.awaitOutput("Tenants: client " + beta + " ready", DEADLINE);

                String own = ingest(azurite, alpha, "harbour.txt", null);
                String besideTheFolder = ingest(azurite, alpha, "library.txt", null);
                String named = TenantsFixture.send(azurite, alpha, TaskMessage.builder("ingest")
                        .taskId(UUID.randomUUID().toString()).put("filename", "library.txt").put("document_set", "town")
                        .put("blob_name", beta + "/library.txt").build());
                String betas = ingest(azurite, beta, "library.txt", null);

                ReceivedWebhook ownDone = receiverA.awaitTask(own, DEADLINE);
                assertThat(ownDone.body().path("status").asText()).as(ownDone.body().toString()).isEqualTo("completed");
                assertThat(ownDone.body().path("result").path("chunks").asInt()).isPositive();
                ReceivedWebhook missing = receiverA.awaitTask(besideTheFolder, DEADLINE);
                assertThat(missing.body().path("status").asText()).isEqualTo("failed");
                assertThat(missing.body().path("error").toString()).as("library.txt outside any folder is not alpha's")
                        .containsIgnoringCase("not found");
                ReceivedWebhook refused = receiverA.awaitTask(named, DEADLINE);
                assertThat(refused.body().path("status").asText()).isEqualTo("failed");
                assertThat(refused.body().path("error").path("message").asText())
                        .contains("'" + beta + "/library.txt': is outside this client's folder " + alpha + "/");
                ReceivedWebhook betaDone = receiverB.awaitTask(betas, DEADLINE);
                assertThat(betaDone.body().path("status").asText()).as(betaDone.body().toString()).isEqualTo("completed");
                assertThat(receiverB.received()).allMatch(w -> w.body().path("client_id").asText().equals(beta));
            }
        }
    }

    @Test
    void aPerClientServiceWhoseContainerComesFromTheSharedFileStopsWithOneLine() throws Exception {
        Path dir = work.resolve("opt");
        Path own = dir.resolve("clients/alpha.env");
        write(own, "WEBHOOK_URL=http://127.0.0.1:9/hook\n");
        // What a unit's EnvironmentFile=DIR/.env passes: the shared settings, in the environment.
        Map<String, String> env = new HashMap<>(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "VECTOR_STORE", "memory"));

        QueueWorkerProcess.Result refused = QueueWorkerProcess.run(dir, env, DEADLINE, "run", "--client", "alpha",
                "--env-file", own.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.output().lines().filter(l -> l.contains("configuration error"))).singleElement().asString()
                .endsWith("configuration error: AZURE_STORAGE_CONTAINER_NAME documents (the default) may be shared by"
                        + " other clients, and BLOB_NAME_TEMPLATE {filename} has no {client_id}/ folder, so they could"
                        + " read each other's documents: set AZURE_STORAGE_CONTAINER_NAME in " + own + " to a container"
                        + " of alpha's own, or BLOB_NAME_TEMPLATE={client_id}/{filename} and upload alpha's documents"
                        + " under alpha/");
        assertThat(refused.output()).doesNotContain(azurite.connectionString());
    }
}
