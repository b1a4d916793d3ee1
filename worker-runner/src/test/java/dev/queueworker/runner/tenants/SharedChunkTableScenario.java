package dev.queueworker.runner.tenants;

import static dev.queueworker.runner.tenants.TenantsFixture.DATABASE_URL;
import static dev.queueworker.runner.tenants.TenantsFixture.JDBC_URL;
import static dev.queueworker.runner.tenants.TenantsFixture.text;
import static dev.queueworker.runner.tenants.TenantsFixture.upload;
import static dev.queueworker.runner.tenants.TenantsFixture.write;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.ai.ChunkIds;
import dev.queueworker.runner.internal.config.DotEnv;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.RecordingWebhookReceiver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;

/**
 * Issue 22's shared-table scenario, whatever runs the clients: {@code alpha} and {@code beta} in one
 * deployment directory whose shared {@code .env} holds the storage account, one {@code DATABASE_URL}
 * and one {@code PGVECTOR_TABLE}; each client's file only its container, webhook URL and secret. Both
 * put {@code manuals/policy.txt} (different text) and {@code manuals/handbook.txt} (the same text) in
 * their containers; {@link #play} ingests them in the order and counts each client's rows
 * after every step. Every check is soft, so a failure shows every step's figures at once.
 */
final class SharedChunkTableScenario implements AutoCloseable {

    static final String ALPHA = "alpha";
    static final String BETA = "beta";
    static final List<String> CLIENTS = List.of(ALPHA, BETA);
    static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String POLICY = "manuals/policy.txt";
    private static final String HANDBOOK = "manuals/handbook.txt";
    private static final String NO_CLIENT = "(no client_id)";
    /** The document set of {@link TenantsFixture#ingest}'s tasks. */
    private static final String DOCUMENT_SET = "town";

    private final String mode;
    private final Path dir;
    private final String table = "shared_chunks_it_" + ThreadLocalRandom.current().nextLong(1_000_000, 9_999_999);
    private final Azurite azurite = Azurite.start();
    private final Map<String, RecordingWebhookReceiver> receivers = new LinkedHashMap<>();

    /** Writes {@code dir} (the layout of docs/tenants.md and the systemd installer) and uploads the documents. */
    SharedChunkTableScenario(String mode, Path dir) throws Exception {
        this.mode = mode;
        this.dir = dir;
        try {
            write(dir.resolve(".env"), "AZURE_STORAGE_CONNECTION_STRING=" + azurite.connectionString() + "\nDATABASE_URL="
                    + DATABASE_URL + "\nPGVECTOR_TABLE=" + table + "\nEMBEDDING_PROVIDER=local\nWORKER_TASK_TYPES=ingest\n"
                    + "WORKER_POLLING_INTERVAL=1s\nWORKER_MIN_POLLING_INTERVAL=100ms\n");
            for (String client : CLIENTS) {
                String secret = TenantsFixture.newSecret();
                RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(secret);
                receivers.put(client, receiver);
                write(clientFile(client), "WEBHOOK_URL=" + receiver.url() + "\nWEBHOOK_SECRET=" + secret
                        + "\nAZURE_STORAGE_CONTAINER_NAME=" + client + "-documents\n");
                upload(azurite, client + "-documents", POLICY, text(client + "'s policy office"));
                upload(azurite, client + "-documents", HANDBOOK, text("staff handbook desk"));
            }
        } catch (Exception | Error e) {
            close(); // the caller's try-with-resources never sees this instance: stop Azurite here
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    Path clientFile(String client) {
        return dir.resolve("clients/" + client + ".env");
    }

    /**
     * The environment a per-client unit gives its process: {@code EnvironmentFile=DIR/.env}, then
     * {@code EnvironmentFile=DIR/clients/<client>.env} (its values win), then the unit's own
     * {@code WORKER_DATA_DIR}.
     */
    Map<String, String> unitEnvironment(String client) {
        Map<String, String> env = new LinkedHashMap<>(DotEnv.read(dir.resolve(".env")));
        env.putAll(DotEnv.read(clientFile(client)));
        env.put("WORKER_DATA_DIR", dir.resolve("data/" + client).toString());
        return env;
    }

    /** The steps, in order, each client's rows counted after each. */
    void play() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        Step first = step("alpha ingests both", ALPHA, POLICY, HANDBOOK);
        for (String file : List.of(POLICY, HANDBOOK)) {
            softly.assertThat(first.chunks(ALPHA, file)).as(first.says("alpha has rows of " + file)).isNotEmpty();
            first.expectUnchanged(softly, file, false);
        }
        first.expectEveryRowNamesItsClient(softly);

        Step second = step("beta ingests both", BETA, POLICY, HANDBOOK);
        softly.assertThat(second.chunks(ALPHA)).as(second.says("alpha's (embedding_id, text) as before"))
                .isEqualTo(first.chunks(ALPHA));
        for (String file : List.of(POLICY, HANDBOOK)) {
            softly.assertThat(second.chunks(BETA, file)).as(second.says("beta has rows of " + file)).isNotEmpty();
            second.expectUnchanged(softly, file, false);
        }
        second.expectEveryRowNamesItsClient(softly);

        Step third = step("alpha ingests both again", ALPHA, POLICY, HANDBOOK);
        for (String file : List.of(POLICY, HANDBOOK)) {
            third.expectUnchanged(softly, file, true);
        }
        for (String client : CLIENTS) {
            softly.assertThat(third.chunks(client)).as(third.says(client + "'s rows as before"))
                    .isEqualTo(second.chunks(client));
        }

        upload(azurite, ALPHA + "-documents", POLICY, text("alpha's policy office, moved to the quay,"));
        Step fourth = step("alpha ingests its changed policy", ALPHA, POLICY);
        fourth.expectUnchanged(softly, POLICY, false);
        softly.assertThat(fourth.chunks(ALPHA, POLICY)).as(fourth.says("alpha's policy rows replaced"))
                .isNotEmpty().noneMatch(third.chunks(ALPHA, POLICY)::contains)
                .anyMatch(chunk -> chunk.text().contains("moved to the quay"));
        softly.assertThat(fourth.chunks(ALPHA, HANDBOOK)).as(fourth.says("alpha's handbook rows as before"))
                .isEqualTo(third.chunks(ALPHA, HANDBOOK));
        softly.assertThat(fourth.chunks(BETA)).as(fourth.says("beta's rows as before")).isEqualTo(third.chunks(BETA));
        softly.assertAll();
    }

    /** Sends {@code client}'s ingest tasks, waits for their webhooks, then reads the table. */
    private Step step(String name, String client, String... files) throws Exception {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String file : files) {
            ids.put(file, TenantsFixture.ingest(azurite, client, file, null));
        }
        Map<String, JsonNode> outcomes = new LinkedHashMap<>();
        ids.forEach((file, id) -> outcomes.put(file, receivers.get(client).awaitTask(id, DEADLINE).body()));
        Step step = new Step(name, outcomes, rows());
        System.out.println("SharedChunkTableIT [" + mode + "] " + step.figures());
        return step;
    }

    /** Every row, by client and file: {@code SELECT metadata->>'client_id', metadata->>'filename', ...}. */
    private Map<String, Map<String, Set<Chunk>>> rows() throws Exception {
        Map<String, Map<String, Set<Chunk>>> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(JDBC_URL, "queueworker", "queueworker");
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT metadata->>'client_id',"
                        + " metadata->>'filename', embedding_id::text, text FROM " + table)) {
            while (r.next()) {
                String client = r.getString(1) == null ? unnamed(r.getString(2), r.getString(3)) : r.getString(1);
                rows.computeIfAbsent(client, k -> new TreeMap<>()).computeIfAbsent(r.getString(2), k -> new HashSet<>())
                        .add(new Chunk(r.getString(3), r.getString(4)));
            }
        }
        return rows;
    }

    /**
     * Whose a row without {@code client_id} is, told by its id ({@link ChunkIds}): only for the figures
     * of a table written before chunks carried their client.
     */
    private static String unnamed(String file, String embeddingId) {
        for (String client : CLIENTS) {
            for (int i = 0; i < 1_000; i++) {
                if (ChunkIds.of(client, DOCUMENT_SET, file, i).equals(embeddingId)) {
                    return NO_CLIENT + ", id of " + client;
                }
            }
        }
        return NO_CLIENT;
    }

    @Override
    public void close() throws Exception {
        receivers.values().forEach(RecordingWebhookReceiver::close);
        azurite.close();
        try (Connection c = DriverManager.getConnection(JDBC_URL, "queueworker", "queueworker");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /** One row; printed short, so that a failed comparison of sets stays readable. */
    record Chunk(String embeddingId, String text) {
        @Override
        public String toString() {
            return embeddingId.substring(0, 8) + " \"" + text.substring(0, Math.min(40, text.length())) + "…\"";
        }
    }

    /** What one step's webhooks said and what the table held after it. */
    record Step(String name, Map<String, JsonNode> outcomes, Map<String, Map<String, Set<Chunk>>> rows) {

        Map<String, Set<Chunk>> chunks(String client) {
            return rows.getOrDefault(client, Map.of());
        }

        Set<Chunk> chunks(String client, String file) {
            return chunks(client).getOrDefault(file, Set.of());
        }

        /** E.g. {@code after 'beta ingests both' [alpha: manuals/policy.txt 4, ... | beta: ...]}. */
        String figures() {
            String counts = rows.entrySet().stream().map(client -> client.getKey() + ": " + client.getValue().entrySet()
                    .stream().map(file -> file.getKey() + " " + file.getValue().size()).collect(Collectors.joining(", ")))
                    .collect(Collectors.joining(" | "));
            String results = outcomes.entrySet().stream().map(o -> o.getKey() + " " + o.getValue().path("status").asText()
                    + " unchanged=" + o.getValue().path("result").path("unchanged").asText("-"))
                    .collect(Collectors.joining(", "));
            return "after '" + name + "' [rows " + (rows.isEmpty() ? "none" : counts) + "] [webhooks " + results + "]";
        }

        String says(String expectation) {
            return expectation + ", " + figures();
        }

        void expectUnchanged(SoftAssertions softly, String file, boolean unchanged) {
            JsonNode body = outcomes.get(file);
            softly.assertThat(body.path("status").asText()).as(says(file + "'s webhook status")).isEqualTo("completed");
            softly.assertThat(body.path("result").path("unchanged").asBoolean(!unchanged))
                    .as(says(file + "'s webhook unchanged")).isEqualTo(unchanged);
        }

        void expectEveryRowNamesItsClient(SoftAssertions softly) {
            softly.assertThat(rows.keySet()).as(says("every row's metadata has a client_id of " + CLIENTS))
                    .isSubsetOf(CLIENTS);
        }
    }
}
