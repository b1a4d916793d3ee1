package dev.queueworker.runner.tenants;

import dev.queueworker.api.TaskMessage;
import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.PluginJar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** What TenantsIT's daemons are made of: a DIR, plugin jars, queues and containers on Azurite, HTTP. */
final class TenantsFixture {

    static final String DATABASE_URL = "postgresql://queueworker:queueworker@127.0.0.1:55432/queueworker_test";
    static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:55432/queueworker_test";

    private TenantsFixture() {
    }

    static String newSecret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A plugin whose "hold" tasks run until the file their payload names exists (bounded to 2 minutes). */
    static Path holdPlugin(Path dir) {
        return PluginJar.build(dir.resolve("hold.jar"), "example.HoldHandler", """
                package example;
                import dev.queueworker.api.*;
                import java.nio.file.*;
                import java.util.concurrent.locks.LockSupport;
                public final class HoldHandler implements TaskHandler {
                    public String taskType() { return "hold"; }
                    public TaskResult handle(Task task, TaskContext context) {
                        Path flag = Path.of(task.payload().path("flag").asText());
                        long deadline = System.nanoTime() + 120_000_000_000L;
                        while (!Files.exists(flag) && System.nanoTime() < deadline) {
                            context.throwIfCancelled();
                            LockSupport.parkNanos(20_000_000L);
                        }
                        TaskResult result = TaskResult.of(TaskResult.newData().put("released", Files.exists(flag)));
                        return result;
                    }
                }
                """);
    }

    /** Puts {@code text} as {@code name} in {@code container}. */
    static void upload(Azurite azurite, String container, String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AzureBlobDocumentStore.builder().connectionString(azurite.connectionString()).containerName(container).build()
                .put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    static AzureQueueProvider queue(Azurite azurite, String client) {
        return AzureQueueProvider.builder().connectionString(azurite.connectionString()).clientId(client).build();
    }

    /** Sends an ingest task of {@code filename} to {@code client}'s queue; returns its id. */
    static String ingest(Azurite azurite, String client, String filename, String webhookUrl) {
        TaskMessage.Builder b = TaskMessage.builder("ingest").taskId(java.util.UUID.randomUUID().toString()).put("filename", filename).put("document_set", "town");
        if (webhookUrl != null) {
            b.webhookUrl(webhookUrl);
        }
        return send(azurite, client, b.build());
    }

    static String hold(Azurite azurite, String client, Path flag) {
        return send(azurite, client, TaskMessage.builder("hold").taskId(java.util.UUID.randomUUID().toString()).put("flag", flag.toString()).build());
    }

    static String send(Azurite azurite, String client, TaskMessage message) {
        try (AzureQueueProvider queue = queue(azurite, client)) {
            queue.send(message.toJson(), Duration.ZERO);
            return message.taskId();
        }
    }

    static String text(String place) {
        return ("The " + place + " of Southhaven opens at nine and closes at five. ").repeat(30);
    }

    /** A connection string like Azurite's whose endpoints are closed ports: storage that is down. */
    static String downStorage(Azurite azurite) throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        return azurite.connectionString().replace(":" + azurite.queuePort() + "/", ":" + closed + "/")
                .replace(":" + azurite.blobPort() + "/", ":" + closed + "/");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String get(int port, String path) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGHUP, as {@code systemctl reload} sends it. */
    static void reload(long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder(List.of("kill", "-HUP", Long.toString(pid))).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -HUP " + pid + " failed");
        }
    }
}
