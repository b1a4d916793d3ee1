package dev.queueworker.runner.internal.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.runner.internal.cli.Cli;
import dev.queueworker.runner.internal.cli.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tenants daemon in-process, on the in-memory queue: start, health, metrics, stop; and its usage errors. */
class TenantsRunTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private CliContext context() {
        return new CliContext(Map.of(), dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private void write(String path, String text) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void servesEachClientReportsEachOnHealthAndMetricsAndStopsWithZero() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        write("tenants/.env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nWORKER_TASK_TYPES=summarize\nWORKER_HTTP_PORT=" + port + "\n"
                + "WORKER_TENANTS_CONCURRENCY=4\n");
        write("tenants/clients/alpha.env", "WORKER_SHARE=2\n");
        write("tenants/clients/beta.env", "");
        write("tenants/clients/broken.env", "WORKER_HTTP_BIND=0.0.0.0\n");
        CliContext context = context();

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> Cli.execute(context, "run", "--tenants", "tenants"));

        String ready = await(port, "/health/ready", body -> body.startsWith("200 "));
        assertThat(ready).isEqualTo("200 alpha ready\nbeta ready\nbroken failed: " + dir.resolve("tenants/clients/broken.env")
                + ": WORKER_HTTP_BIND is a daemon-level variable: set it in " + dir.resolve("tenants/.env")
                + " (it applies to every client)\n");
        assertThat(get(port, "/health/ready?client=beta")).isEqualTo("200 beta ready\n");
        assertThat(get(port, "/health/ready?client=broken")).startsWith("503 broken failed: ");
        assertThat(get(port, "/health/ready?client=nobody")).isEqualTo("404 no client nobody\n");
        assertThat(get(port, "/metrics")).contains("queue_worker_ready{client_id=\"alpha\"} 1.0",
                "queue_worker_ready{client_id=\"broken\"} 0.0", "client_id=\"beta\"", "jvm_memory_used_bytes");
        assertThat(get(port, "/")).startsWith("404 ");

        context.requestStop();
        assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void tenantsWithClientOrEnvFileIsBadUsageAndAnEmptyDirStopsStartUp() throws IOException {
        assertThat(Cli.execute(context(), "run", "--tenants", "tenants", "--client", "alpha")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("queue-worker: --tenants cannot be combined with"
                + " --client");
        err.reset();
        assertThat(Cli.execute(context(), "run", "--env-file", "x.env", "--tenants", "tenants")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("queue-worker: --tenants cannot be combined with"
                + " --env-file");
        err.reset();
        Files.createDirectories(dir.resolve("tenants/clients"));
        assertThat(Cli.execute(context(), "run", "--tenants", "tenants")).isEqualTo(Cli.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("queue-worker: configuration error:"
                + " --tenants " + dir.resolve("tenants") + ": no client settings in " + dir.resolve("tenants/clients")
                + " (one <client>.env file per client)");
    }

    private static String await(int port, String path, Predicate<String> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            try {
                last = get(port, path);
                if (condition.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // a poll interval, not a wait for the result
        }
        throw new AssertionError(path + " never matched; last: " + last);
    }

    private static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
