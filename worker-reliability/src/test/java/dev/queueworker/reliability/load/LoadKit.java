package dev.queueworker.reliability.load;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.test.PluginJar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the load, hostile-input, webhook-outage and secrets suites share: a frontend's Azure SDK
 * clients, HTTP probes of the daemon, deadline waits, plugin handlers, and the {@code FIGURE} lines.
 */
final class LoadKit {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LoadKit() {
    }

    /** Prints one figure line: {@code FIGURE <scenario> key=value ...}. */
    static void figure(String scenario, String keyValues) {
        System.out.println("FIGURE " + scenario + " " + keyValues);
        System.out.flush();
    }

    /** The task queue or poison queue of {@code clientId}, created as a frontend's deployment would. */
    static QueueClient queue(String connectionString, String name) {
        QueueClient client = new QueueClientBuilder().connectionString(connectionString).queueName(name).buildClient();
        client.createIfNotExists();
        return client;
    }

    static BlobContainerClient container(String connectionString, String name) {
        BlobContainerClient client = new BlobServiceClientBuilder().connectionString(connectionString).buildClient()
                .getBlobContainerClient(name);
        client.createIfNotExists();
        return client;
    }

    static void upload(BlobContainerClient container, String name, byte[] content, String contentType) {
        container.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(content))
                .setHeaders(new BlobHttpHeaders().setContentType(contentType)), null, null);
    }

    /** Receives (and deletes) every message of {@code queue}: the poison queue's envelopes, parsed. */
    static List<JsonNode> drain(QueueClient queue) {
        List<JsonNode> all = new ArrayList<>();
        while (true) {
            List<QueueMessageItem> batch = new ArrayList<>();
            queue.receiveMessages(32, Duration.ofMinutes(5), Duration.ofSeconds(30), null).forEach(batch::add);
            if (batch.isEmpty()) {
                return all;
            }
            for (QueueMessageItem item : batch) {
                try {
                    all.add(JSON.readTree(item.getBody().toString()));
                } catch (IOException e) {
                    throw new AssertionError("a poison message is not a JSON envelope: " + item.getBody(), e);
                }
                queue.deleteMessage(item.getMessageId(), item.getPopReceipt());
            }
        }
    }

    static int approximateDepth(QueueClient queue) {
        return queue.getProperties().getApproximateMessagesCount();
    }

    /** {@code "<status> <body>"} of a GET to the daemon's HTTP port. */
    static String get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for {@code condition}, polling every 100 ms; fails naming {@code what} at the deadline. */
    static void await(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /**
     * A plugin handler of type {@code io}: one HTTP GET of the payload's {@code url} with
     * {@code ?task=<task id>} appended, as a short IO-bound task does. A non-2xx answer is a retryable failure.
     */
    static Path ioPlugin(Path dir) {
        return PluginJar.build(dir.resolve("io.jar"), "loadtest.IoHandler", """
                package loadtest;

                import dev.queueworker.api.*;
                import java.net.URI;
                import java.net.URLEncoder;
                import java.net.http.*;
                import java.nio.charset.StandardCharsets;
                import java.time.Duration;

                public final class IoHandler implements TaskHandler {
                    private static final HttpClient HTTP = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5)).build();

                    @Override public String taskType() { return "io"; }

                    @Override public TaskResult handle(Task task, TaskContext context) throws Exception {
                        String url = task.requireString("url") + "?task="
                                + URLEncoder.encode(task.id(), StandardCharsets.UTF_8);
                        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() / 100 != 2) {
                            throw new RetryableException("GET " + url + " answered " + response.statusCode());
                        }
                        return TaskResult.of(TaskResult.newData().put("answer", response.body()));
                    }
                }
                """);
    }

    /**
     * A plugin handler of type {@code echo}: returns its payload's {@code text}, and fails for good
     * when the payload says {@code "fail": true}.
     */
    static Path echoPlugin(Path dir) {
        return PluginJar.build(dir.resolve("echo.jar"), "loadtest.EchoHandler", """
                package loadtest;

                import dev.queueworker.api.*;

                public final class EchoHandler implements TaskHandler {
                    @Override public String taskType() { return "echo"; }

                    @Override public TaskResult handle(Task task, TaskContext context) {
                        if (task.payload().path("fail").asBoolean(false)) {
                            throw new PermanentException("echo was asked to fail");
                        }
                        return TaskResult.of(TaskResult.newData().put("text", task.payload().path("text").asText()));
                    }
                }
                """);
    }
}
