package com.example.embedded;

import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.core.OkHttpWebhookNotifier;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain Java application that runs the queue-worker engine in its own JVM: tasks from the Azure
 * Storage queue {@code {CLIENT_ID}-tasks}, documents from a blob container, outcomes as signed
 * webhooks, a graceful drain on SIGTERM.
 *
 * <pre>
 * AZURE_STORAGE_CONNECTION_STRING=... WEBHOOK_SECRET=whsec_... WEBHOOK_URL=https://app.example/hooks \
 *     java -cp ... com.example.embedded.EmbeddedWorkerApp
 * </pre>
 */
public final class EmbeddedWorkerApp {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedWorkerApp.class);

    private EmbeddedWorkerApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        AppConfig config;
        Worker worker;
        try {
            config = AppConfig.from(Env.of(System.getenv()));
            worker = createWorker(config).start();
        } catch (IllegalArgumentException e) {
            // One line that names the variable; never a stack trace, never a secret.
            System.err.println("embedded-worker: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        // SIGTERM (systemd, docker stop, Kubernetes) and Ctrl-C run the shutdown hooks: close() stops
        // receiving, lets running tasks finish within WORKER_SHUTDOWN_TIMEOUT and makes the messages of
        // unfinished ones visible again. The JVM then exits with 143 (128 + SIGTERM).
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
        log.info("embedded-worker ready: {}", config);

        // The engine's threads are daemon threads: keep the JVM alive until the worker stops.
        while (!worker.awaitTermination(Duration.ofHours(1))) {
            // still running
        }
    }

    /** The wiring, apart from main so a test can run it too. Not started. */
    public static Worker createWorker(AppConfig config) {
        // One HTTP stack for the Azure SDK and the webhooks: one connection pool, one dispatcher.
        OkHttpClient http = new OkHttpClient();
        return Worker.builder()
                .queue(AzureQueueProvider.builder()
                        .connectionString(config.connectionString())
                        .clientId(config.clientId())            // queues {CLIENT_ID}-tasks and -tasks-poison
                        .okHttpClient(http)
                        .build())                               // creates the queues when missing
                .documents(AzureBlobDocumentStore.builder()
                        .connectionString(config.connectionString())
                        .containerName(config.containerName())
                        .okHttpClient(http)
                        .build())                               // creates the container when missing
                .handler(new CsvTotalHandler())
                .notifier(OkHttpWebhookNotifier.builder()
                        .okHttpClient(http)
                        .secret(config.webhookSecret())         // null: unsigned webhooks
                        .build())
                .options(WorkerOptions.builder()
                        .clientId(config.clientId())
                        .defaultWebhookUrl(config.webhookUrl())  // for messages without webhook_url
                        .maxMessages(config.maxMessages())
                        .visibilityTimeout(config.visibilityTimeout())
                        .pollingInterval(config.pollingInterval())
                        .minPollingInterval(min(Duration.ofMillis(250), config.pollingInterval()))
                        .shutdownTimeout(config.shutdownTimeout())
                        .build())
                .build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
