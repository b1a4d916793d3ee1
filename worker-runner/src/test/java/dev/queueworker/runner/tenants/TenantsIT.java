package dev.queueworker.runner.tenants;

import static dev.queueworker.runner.tenants.TenantsFixture.DATABASE_URL;
import static dev.queueworker.runner.tenants.TenantsFixture.JDBC_URL;
import static dev.queueworker.runner.tenants.TenantsFixture.get;
import static dev.queueworker.runner.tenants.TenantsFixture.ingest;
import static dev.queueworker.runner.tenants.TenantsFixture.text;
import static dev.queueworker.runner.tenants.TenantsFixture.upload;
import static dev.queueworker.runner.tenants.TenantsFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.test.Azurite;
import dev.queueworker.test.PostgresServer;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code queue-worker run --tenants DIR} as operators run it: one process, several clients on real
 * Azurite (and PostgreSQL for one), each with its own queue, container, secret, allowed hosts and
 * receiver; a bad file and a client whose storage is down next to them; SIGHUP adding and removing
 * clients; SIGTERM.
 */
class TenantsIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    /** How long a healthy client's task may take, from send to webhook, while another client's storage is down. */
    static final Duration HEALTHY_BOUND = Duration.ofSeconds(10);

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
    void twoClientsAreKeptApartABadOrDownClientStopsNoOtherAndSighupAddsAndRemovesClients() throws Exception {
        String run = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999));
        String alpha = "alpha" + run;
        String beta = "beta" + run;
        String table = "tenants_it_" + run;
        String secretA = TenantsFixture.newSecret();
        String secretB = TenantsFixture.newSecret();
        int httpPort = TenantsFixture.freePort();
        Path dir = work.resolve("tenants");
        Path plugins = work.resolve("plugins");
        TenantsFixture.holdPlugin(plugins);
        try (RecordingWebhookReceiver receiverA = RecordingWebhookReceiver.start(secretA);
                RecordingWebhookReceiver receiverB = RecordingWebhookReceiver.start(secretB)) {
            write(dir.resolve(".env"), "AZURE_STORAGE_CONNECTION_STRING=" + azurite.connectionString() + "\n"
                    + "WORKER_PLUGINS_DIR=" + plugins + "\nWORKER_POLLING_INTERVAL=1s\nWORKER_MIN_POLLING_INTERVAL=100ms\n"
                    + "WORKER_SHUTDOWN_TIMEOUT=60s\nWORKER_HTTP_PORT=" + httpPort + "\nWORKER_TENANTS_CONCURRENCY=4\n");
            write(dir.resolve("clients/" + alpha + ".env"), "WEBHOOK_SECRET=" + secretA + "\nWEBHOOK_URL="
                    + receiverA.url() + "\nWEBHOOK_ALLOWED_HOSTS=127.0.0.1\nAZURE_STORAGE_CONTAINER_NAME=" + alpha
                    + "-docs\nDATABASE_URL=" + DATABASE_URL + "\nPGVECTOR_TABLE=" + table + "\n");
            write(dir.resolve("clients/" + beta + ".env"), "WEBHOOK_SECRET=" + secretB + "\nWEBHOOK_URL="
                    + receiverB.url() + "\nWEBHOOK_ALLOWED_HOSTS=127.0.0.1,localhost\nAZURE_STORAGE_CONTAINER_NAME="
                    + beta + "-docs\nVECTOR_STORE=memory\n");
            write(dir.resolve("clients/broken.env"), "WORKER_VISIBILITY_TIMEOUT=soon\n");
            write(dir.resolve("clients/down.env"), "AZURE_STORAGE_CONNECTION_STRING=" + TenantsFixture.downStorage(azurite)
                    + "\nAZURE_STORAGE_MAX_TRIES=1\nAZURE_STORAGE_TRY_TIMEOUT=2s\nWORKER_TASK_TYPES=hold\n");
            write(dir.resolve("clients/nodb.env"), "DATABASE_URL=postgresql://queueworker:queueworker@127.0.0.1:"
                    + TenantsFixture.freePort() + "/queueworker_test\nWORKER_TASK_TYPES=ingest\n");
            upload(azurite, alpha + "-docs", "harbour.txt", text("harbour"));
            upload(azurite, beta + "-docs", "library.txt", text("library"));
            upload(azurite, beta + "-docs", "beta-only.txt", text("archive"));

            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, Map.of(), "512m", "run", "--tenants",
                    dir.toString())) {
                daemon.awaitOutput("Tenants: client " + alpha + " ready", DEADLINE);
                daemon.awaitOutput("Tenants: client " + beta + " ready", DEADLINE);
                daemon.awaitOutput("Tenants: client down queue not reachable", DEADLINE);
                daemon.awaitOutput("Tenants: client nodb stopped: ", DEADLINE);
                assertThat(daemon.output()).doesNotContain("queue-worker ready"); // "down" is still starting

                // Each client's tasks on its own queue, its documents, its secret, its receiver.
                long sent = System.nanoTime();
                String ingestA = ingest(azurite, alpha, "harbour.txt", null);
                String ingestB = ingest(azurite, beta, "library.txt", null);
                String crossA = ingest(azurite, alpha, "beta-only.txt", null);
                String crossB = ingest(azurite, beta, "beta-only.txt", null);
                String refusedA = ingest(azurite, alpha, "harbour.txt", "http://localhost:" + receiverB.port() + "/from-alpha");
                String allowedB = ingest(azurite, beta, "library.txt", "http://localhost:" + receiverB.port() + "/from-beta");

                Map<String, Duration> latencies = new LinkedHashMap<>();
                ReceivedWebhook a = receiverA.awaitTask(ingestA, DEADLINE);
                assertThat(a.signatureValid()).isTrue();
                assertThat(a.body().path("status").asText()).isEqualTo("completed");
                assertThat(a.body().path("client_id").asText()).isEqualTo(alpha);
                for (String id : List.of(ingestB, crossB, allowedB)) {
                    ReceivedWebhook b = receiverB.awaitTask(id, DEADLINE);
                    latencies.put(id, Duration.ofNanos(System.nanoTime() - sent));
                    assertThat(b.signatureValid()).isTrue();
                    assertThat(b.body().path("status").asText()).as(b.body().toString()).isEqualTo("completed");
                    assertThat(b.body().path("client_id").asText()).isEqualTo(beta);
                    assertThat(b.body().path("result").path("chunks").asInt()).isPositive();
                }
                assertThat(receiverB.awaitTask(allowedB, DEADLINE).path()).isEqualTo("/from-beta");
                // A document only in beta's container is not found for alpha.
                ReceivedWebhook cross = receiverA.awaitTask(crossA, DEADLINE);
                assertThat(cross.signatureValid()).isTrue();
                assertThat(cross.body().path("status").asText()).isEqualTo("failed");
                assertThat(cross.body().path("error").toString()).containsIgnoringCase("not found");
                // Alpha may not post to localhost: kept on its poison queue, never at beta's receiver.
                daemon.awaitCondition(() -> poisonDepth(alpha) >= 1, DEADLINE, alpha + "'s refused webhook on its poison queue");
                assertThat(receiverB.received()).noneMatch(w -> w.taskId().equals(refusedA) || w.taskId().equals(ingestA)
                        || w.taskId().equals(crossA));
                assertThat(receiverA.received()).noneMatch(w -> w.body().path("client_id").asText().equals(beta));
                assertThat(chunkRows(table)).isPositive();
                // The storage of "down" does not answer: the others are not held up beyond the bound.
                assertThat(latencies.values()).allSatisfy(d -> assertThat(d).isLessThan(HEALTHY_BOUND));
                System.out.println("TenantsIT: beta's latencies (send to webhook) while down's storage is down: "
                        + latencies.values());

                // Logs carry the client; the bad file is one line; metrics and health per client.
                String output = daemon.output();
                assertThat(output.lines().filter(l -> l.contains("Processing task " + ingestA))).singleElement()
                        .asString().contains("[client " + alpha + "] ");
                assertThat(output.lines().filter(l -> l.contains("Task " + ingestB + " completed"))).singleElement()
                        .asString().contains("[client " + beta + "] ");
                for (String id : List.of(ingestA, crossA, refusedA)) {
                    assertThat(output.lines().filter(l -> l.contains(id))).isNotEmpty()
                            .allMatch(l -> l.contains("[client " + alpha + "] "));
                }
                assertThat(output.lines().filter(l -> l.contains("Webhook ") || l.contains("Ingestion ")))
                        .isNotEmpty().allMatch(l -> l.contains("[client " + alpha + "] ") || l.contains("[client " + beta + "] "));
                assertThat(output.lines().filter(l -> l.contains("Tenants: client broken stopped: ")))
                        .singleElement().asString().contains("WORKER_VISIBILITY_TIMEOUT must be a duration")
                        .contains("[client broken] ");
                assertThat(output.lines().filter(l -> l.contains("Tenants: client nodb stopped: "))).singleElement()
                        .asString().contains("DATABASE_URL");
                String metrics = get(httpPort, "/metrics");
                assertThat(metrics).contains("client_id=\"" + alpha + "\"", "client_id=\"" + beta + "\"",
                        "queue_worker_ready{client_id=\"" + alpha + "\"} 1.0",
                        "queue_worker_ready{client_id=\"down\"} 0.0");
                assertThat(metrics.lines().filter(l -> l.startsWith("queueworker_tasks_total{")))
                        .allMatch(l -> l.contains("client_id=\""));
                String ready = get(httpPort, "/health/ready");
                assertThat(ready).startsWith("503 ").contains(alpha + " ready\n", beta + " ready\n",
                        "broken failed: WORKER_VISIBILITY_TIMEOUT", "down starting: the queue does not answer",
                        "nodb failed: ");
                assertThat(get(httpPort, "/health/ready?client=" + alpha)).isEqualTo("200 " + alpha + " ready\n");

                // SIGHUP: a new file starts its client; a removed one drains (its running task finishes),
                // and the others' running tasks are not interrupted.
                Path flag = work.resolve("release");
                String holdA = TenantsFixture.hold(azurite, alpha, flag);
                String holdB = TenantsFixture.hold(azurite, beta, flag);
                daemon.awaitOutput("Processing task " + holdA + ": hold", DEADLINE);
                daemon.awaitOutput("Processing task " + holdB + ": hold", DEADLINE);
                String gamma = "gamma" + run;
                String secretG = TenantsFixture.newSecret();
                try (RecordingWebhookReceiver receiverG = RecordingWebhookReceiver.start(secretG)) {
                    write(dir.resolve("clients/" + gamma + ".env"), "WEBHOOK_SECRET=" + secretG + "\nWEBHOOK_URL="
                            + receiverG.url() + "\nAZURE_STORAGE_CONTAINER_NAME=" + gamma + "-docs\nVECTOR_STORE=memory\n");
                    upload(azurite, gamma + "-docs", "harbour.txt", text("harbour"));
                    Files.delete(dir.resolve("clients/" + beta + ".env"));
                    TenantsFixture.reload(daemon.pid());
                    daemon.awaitOutput("Tenants: client " + beta + " removed: draining", DEADLINE);
                    daemon.awaitOutput("Tenants: client " + gamma + " ready", DEADLINE);
                    assertThat(get(httpPort, "/health/ready")).doesNotContain(beta).contains(gamma + " ready");
                    String ingestG = ingest(azurite, gamma, "harbour.txt", null);
                    ReceivedWebhook g = receiverG.awaitTask(ingestG, DEADLINE);
                    assertThat(g.signatureValid()).isTrue();
                    assertThat(g.body().path("status").asText()).isEqualTo("completed");
                    assertThat(daemon.output()).doesNotContain("Tenants: client " + beta + " stopped");

                    Files.writeString(flag, "go");
                    for (var held : List.of(receiverA.awaitTask(holdA, DEADLINE), receiverB.awaitTask(holdB, DEADLINE))) {
                        assertThat(held.body().path("status").asText()).isEqualTo("completed");
                        assertThat(held.body().path("attempt").asInt()).isEqualTo(1);
                        assertThat(held.body().path("result").path("released").asBoolean()).isTrue();
                    }
                    daemon.awaitOutput("Tenants: client " + beta + " stopped", DEADLINE);
                    assertThat(daemon.output()).doesNotContain("Tenants: client " + alpha + " changed",
                            "Tenants: client " + alpha + " removed");
                }

                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
                assertThat(daemon.output()).contains("Stop requested", "Stopped")
                        .doesNotContain(secretA.substring("whsec_".length()), secretB.substring("whsec_".length()));
            }
        } finally {
            dropTable(table);
        }
    }

    @Test
    void tenClientsEachCompleteTheirOwnTasksAndReadOnlyTheirOwnDocuments() throws Exception {
        int clients = 10;
        String run = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999));
        int httpPort = TenantsFixture.freePort();
        Path dir = work.resolve("tenants");
        write(dir.resolve(".env"), "AZURE_STORAGE_CONNECTION_STRING=" + azurite.connectionString() + "\n"
                + "WORKER_TASK_TYPES=ingest\nVECTOR_STORE=memory\nWORKER_POLLING_INTERVAL=1s\n"
                + "WORKER_MIN_POLLING_INTERVAL=100ms\nWORKER_HTTP_PORT=" + httpPort + "\nWORKER_TENANTS_CONCURRENCY=4\n");
        List<RecordingWebhookReceiver> receivers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                String client = "c" + i + "x" + run;
                String secret = TenantsFixture.newSecret();
                RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(secret);
                receivers.add(receiver);
                names.add(client);
                write(dir.resolve("clients/" + client + ".env"), "WEBHOOK_SECRET=" + secret + "\nWEBHOOK_URL="
                        + receiver.url() + "\nAZURE_STORAGE_CONTAINER_NAME=" + client + "-docs\nWORKER_SHARE=" + (1 + i % 3)
                        + "\n");
                upload(azurite, client + "-docs", client + ".txt", text("office of " + client));
            }
            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, Map.of(), "512m", "run", "--tenants",
                    dir.toString())) {
                daemon.awaitCondition(() -> get(httpPort, "/health/ready").startsWith("200 "), DEADLINE,
                        "every client ready");
                daemon.awaitOutput("queue-worker ready: 10 of 10 clients receiving [" + String.join(", ", names)
                        + "]", DEADLINE);
                Map<String, Integer> own = new HashMap<>();
                Map<String, Integer> other = new HashMap<>();
                List<String> ownIds = new ArrayList<>();
                List<String> otherIds = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    ownIds.add(ingest(azurite, names.get(i), names.get(i) + ".txt", null));
                    ownIds.add(ingest(azurite, names.get(i), names.get(i) + ".txt", null));
                    // The next client's document: only in the next client's container.
                    otherIds.add(ingest(azurite, names.get(i), names.get((i + 1) % clients) + ".txt", null));
                }
                for (int i = 0; i < clients; i++) {
                    RecordingWebhookReceiver receiver = receivers.get(i);
                    for (String id : List.of(ownIds.get(2 * i), ownIds.get(2 * i + 1), otherIds.get(i))) {
                        ReceivedWebhook w = receiver.awaitTask(id, DEADLINE);
                        assertThat(w.signatureValid()).as(names.get(i)).isTrue();
                        assertThat(w.body().path("client_id").asText()).isEqualTo(names.get(i));
                        (id.equals(otherIds.get(i)) ? other : own).merge(w.body().path("status").asText(), 1, Integer::sum);
                    }
                    assertThat(receiver.received()).hasSize(3);
                }
                assertThat(own).isEqualTo(Map.of("completed", 2 * clients));
                assertThat(other).isEqualTo(Map.of("failed", clients));
                String metrics = get(httpPort, "/metrics");
                String ready = get(httpPort, "/health/ready");
                for (String client : names) {
                    assertThat(metrics).contains("queue_worker_ready{client_id=\"" + client + "\"} 1.0");
                    assertThat(ready).contains(client + " ready\n");
                    assertThat(daemon.output().lines().filter(l -> l.contains("Processing task ")
                            && l.contains("[client " + client + "] "))).hasSize(3);
                }
                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            }
        } finally {
            receivers.forEach(RecordingWebhookReceiver::close);
        }
    }

    /**
     * The worst case: the failing client may take every slot (its cap is the default, all of them), and
     * each of its tasks holds one until PostgreSQL's connection timeout (5 s) gives up. The others'
     * tasks then wait for one such task, not for the outage: the bound is the failing client's task
     * duration plus a polling interval.
     */
    @Test
    void oneClientsDatabaseGoingDownMidRunDoesNotHoldUpTheOthers() throws Exception {
        String run = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999));
        String pg = "pg" + run;
        String steady = "steady" + run;
        int httpPort = TenantsFixture.freePort();
        Path dir = work.resolve("tenants");
        try (PostgresServer postgres = PostgresServer.start();
                RecordingWebhookReceiver receiverPg = RecordingWebhookReceiver.start();
                RecordingWebhookReceiver receiverSteady = RecordingWebhookReceiver.start()) {
            write(dir.resolve(".env"), "AZURE_STORAGE_CONNECTION_STRING=" + azurite.connectionString() + "\n"
                    + "WORKER_TASK_TYPES=ingest\nWORKER_POLLING_INTERVAL=1s\nWORKER_MIN_POLLING_INTERVAL=100ms\n"
                    + "WORKER_HTTP_PORT=" + httpPort + "\nWORKER_TENANTS_CONCURRENCY=4\nWORKER_RETRY_BASE_DELAY=1s\n"
                    + "WORKER_SHUTDOWN_TIMEOUT=5s\n");
            write(dir.resolve("clients/" + pg + ".env"), "WEBHOOK_URL=" + receiverPg.url() + "\nDATABASE_URL="
                    + postgres.databaseUrl() + "\nAZURE_STORAGE_CONTAINER_NAME=" + pg + "-docs\n");
            write(dir.resolve("clients/" + steady + ".env"), "WEBHOOK_URL=" + receiverSteady.url()
                    + "\nVECTOR_STORE=memory\nAZURE_STORAGE_CONTAINER_NAME=" + steady + "-docs\n");
            upload(azurite, pg + "-docs", "harbour.txt", text("harbour"));
            upload(azurite, steady + "-docs", "library.txt", text("library"));
            try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, Map.of(), "512m", "run", "--tenants",
                    dir.toString())) {
                daemon.awaitOutput("queue-worker ready: 2 of 2 clients", DEADLINE);
                String first = ingest(azurite, pg, "harbour.txt", null);
                assertThat(receiverPg.awaitTask(first, DEADLINE).body().path("status").asText()).isEqualTo("completed");

                postgres.stopImmediately();
                List<String> stuck = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    stuck.add(ingest(azurite, pg, "harbour.txt", null));
                }
                daemon.awaitOutput("Ingestion failed: harbour.txt", DEADLINE);
                List<Duration> latencies = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long sent = System.nanoTime();
                    String id = ingest(azurite, steady, "library.txt", null);
                    ReceivedWebhook w = receiverSteady.awaitTask(id, DEADLINE);
                    latencies.add(Duration.ofNanos(System.nanoTime() - sent));
                    assertThat(w.body().path("status").asText()).isEqualTo("completed");
                }
                System.out.println("TenantsIT: steady's latencies (send to webhook) while pg's database is down: "
                        + latencies);
                assertThat(latencies).allSatisfy(d -> assertThat(d).isLessThan(HEALTHY_BOUND));
                assertThat(receiverPg.received()).noneMatch(w -> stuck.contains(w.taskId())
                        && w.body().path("status").asText().equals("completed"));
                assertThat(get(httpPort, "/health/ready?client=" + steady)).isEqualTo("200 " + steady + " ready\n");

                daemon.terminate();
                assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
            }
        }
    }

    private static long poisonDepth(String client) {
        try (var queue = TenantsFixture.queue(azurite, client)) {
            return queue.approximatePoisonDepth();
        }
    }

    private static long chunkRows(String table) throws Exception {
        try (Connection c = DriverManager.getConnection(JDBC_URL, "queueworker", "queueworker");
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("select count(*) from " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void dropTable(String table) throws Exception {
        try (Connection c = DriverManager.getConnection(JDBC_URL, "queueworker", "queueworker");
                Statement s = c.createStatement()) {
            s.execute("drop table if exists " + table);
        }
    }
}
