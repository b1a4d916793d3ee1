package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.DocumentStoreFactory;
import dev.queueworker.api.QueueProviderFactory;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.test.PluginJar;
import dev.queueworker.test.QueueWorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third queue provider and a third document store, neither built in, come from a plugin jar:
 * the real daemon finds them by the names QUEUE_PROVIDER and DOCUMENT_STORE give, hands them their
 * options (the variables PRELOADED_*, MARKED_*), and runs a task from that queue against that store.
 */
class PluginProvidersIT {
    static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path work;

    private Path pluginJar() {
        return PluginJar.build(work.resolve("plugins/providers.jar"), "example.Providers", """
                package example;
                import dev.queueworker.api.*;
                import dev.queueworker.core.InMemoryDocumentStore;
                import dev.queueworker.core.InMemoryQueueProvider;
                import java.io.ByteArrayInputStream;
                import java.time.Duration;
                public final class Providers {
                    /** An in-memory queue that starts with the task its TASK option holds. */
                    public static final class Preloaded implements QueueProviderFactory {
                        public String name() { return "preloaded"; }
                        public QueueProvider create(ProviderSettings settings) {
                            String task = settings.option("TASK").orElseThrow(
                                    () -> new IllegalArgumentException("option TASK is required"));
                            InMemoryQueueProvider queue = new InMemoryQueueProvider();
                            queue.send(task, Duration.ZERO);
                            settings.option("SECOND_TASK").ifPresent(second -> queue.send(second, Duration.ZERO));
                            return queue;
                        }
                    }
                    /** An in-memory store holding one document, named by its NAME option. */
                    public static final class Marked implements DocumentStoreFactory {
                        public String name() { return "marked"; }
                        public DocumentStore create(ProviderSettings settings) {
                            InMemoryDocumentStore store = new InMemoryDocumentStore();
                            String name = settings.option("NAME").orElse("marker.txt");
                            store.put(name, new ByteArrayInputStream(new byte[] {'x'}), 1, "text/plain");
                            return store;
                        }
                    }
                    /** A chunk store of its own, saying on standard output what it was given. */
                    public static final class Listed implements dev.queueworker.ai.ChunkStoreFactory {
                        public String name() { return "listed"; }
                        public dev.queueworker.ai.ChunkStore create(ProviderSettings settings, int dimension) {
                            return new ListedStore(dimension);
                        }
                    }
                    public static final class ListedStore implements dev.queueworker.ai.ChunkStore {
                        private final int dimension;
                        private final java.util.Map<String, Integer> counts = new java.util.HashMap<>();
                        private final dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore<
                                dev.langchain4j.data.segment.TextSegment> vectors =
                                new dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore<>();
                        ListedStore(int dimension) { this.dimension = dimension; }
                        public int dimension() { return dimension; }
                        public java.util.Optional<String> documentValue(dev.queueworker.ai.DocumentKey document,
                                String key) {
                            return java.util.Optional.empty();
                        }
                        public synchronized void replace(dev.queueworker.ai.DocumentKey document,
                                java.util.List<String> ids,
                                java.util.List<dev.langchain4j.data.embedding.Embedding> embeddings,
                                java.util.List<dev.langchain4j.data.segment.TextSegment> segments) {
                            if (!ids.isEmpty()) {
                                vectors.addAll(ids, embeddings, segments);
                            }
                            String set = document.documentSet();
                            String file = document.filename();
                            counts.put(document.toString(), ids.size());
                            System.out.println("listed store: " + set + "/" + file + " has " + ids.size()
                                    + " chunks of dimension " + dimension);
                        }
                        public synchronized int count(dev.queueworker.ai.DocumentKey document) {
                            return counts.getOrDefault(document.toString(), 0);
                        }
                        public dev.langchain4j.store.embedding.EmbeddingStore<
                                dev.langchain4j.data.segment.TextSegment> embeddingStore(String clientId) {
                            return dev.queueworker.ai.ChunkStores.clientView(vectors, clientId);
                        }
                        public void close() { }
                    }
                    /** Completes when the store it runs with holds the payload's document. */
                    public static final class Check implements TaskHandler {
                        public String taskType() { return "check-store"; }
                        public TaskResult handle(Task task, TaskContext context) {
                            String name = task.optionalString("document").orElseThrow();
                            if (!context.documents().exists(name)) {
                                throw new PermanentException(name + " is not in the plugin's store");
                            }
                            return TaskResult.empty();
                        }
                    }
                }
                """, Map.of(QueueProviderFactory.class, List.of("example.Providers$Preloaded"),
                        DocumentStoreFactory.class, List.of("example.Providers$Marked"),
                        TaskHandler.class, List.of("example.Providers$Check"),
                        dev.queueworker.ai.ChunkStoreFactory.class, List.of("example.Providers$Listed")));
    }

    @Test
    void theDaemonRunsATaskFromAPluginsQueueAgainstAPluginsStore() {
        Path jar = pluginJar();
        Map<String, String> env = new HashMap<>();
        env.put("CLIENT_ID", "plugins");
        env.put("WORKER_PLUGINS_DIR", jar.getParent().toString());
        env.put("WORKER_TASK_TYPES", "check-store");
        env.put("QUEUE_PROVIDER", "preloaded");
        env.put("PRELOADED_TASK", "{\"task_id\": \"from-plugin-1\", \"task_type\": \"check-store\","
                + " \"payload\": {\"document\": \"notes/kept.txt\"}}");
        env.put("DOCUMENT_STORE", "marked");
        env.put("MARKED_NAME", "notes/kept.txt");
        try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "256m", "run")) {
            daemon.awaitOutput("Task from-plugin-1 completed with status: completed", DEADLINE);

            assertThat(daemon.output()).contains("effective queue: preloaded (a plugin's)")
                    .contains("effective documents: marked (a plugin's)");
            daemon.terminate();
            assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
        }
    }

    @Test
    void theBuiltInIngestHandlerStoresChunksInAPluginsChunkStore() {
        Path jar = pluginJar();
        Map<String, String> env = new HashMap<>();
        env.put("CLIENT_ID", "plugins");
        env.put("WORKER_PLUGINS_DIR", jar.getParent().toString());
        env.put("WORKER_TASK_TYPES", "ingest");
        env.put("WORKER_DATA_DIR", work.resolve("data").toString());
        env.put("QUEUE_PROVIDER", "preloaded");
        env.put("PRELOADED_TASK", "{\"task_id\": \"ingest-1\", \"task_type\": \"ingest\","
                + " \"payload\": {\"filename\": \"notes/kept.txt\", \"document_set\": \"notes\"}}");
        env.put("DOCUMENT_STORE", "marked");
        env.put("MARKED_NAME", "notes/kept.txt");
        env.put("VECTOR_STORE", "listed");
        try (QueueWorkerProcess daemon = QueueWorkerProcess.start(work, env, "512m", "run")) {
            daemon.awaitOutput("Task ingest-1 completed with status: completed", DEADLINE);

            assertThat(daemon.output()).contains("listed store: notes/notes/kept.txt has 1 chunks of dimension 384")
                    .contains("vector store listed (a plugin's)");
            daemon.terminate();
            assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
        }
    }

    @Test
    void anUnknownNameOrAMissingOptionStopsStartUpNamingTheVariable() {
        Path jar = pluginJar();
        Map<String, String> env = new HashMap<>();
        env.put("WORKER_PLUGINS_DIR", jar.getParent().toString());
        env.put("WORKER_TASK_TYPES", "check-store");
        env.put("QUEUE_PROVIDER", "sqs");

        QueueWorkerProcess.Result unknown = QueueWorkerProcess.run(work, env, DEADLINE, "run");
        assertThat(unknown.exitCode()).as(unknown.output()).isEqualTo(2);
        assertThat(unknown.output()).contains("QUEUE_PROVIDER=sqs: no plugin in WORKER_PLUGINS_DIR declares a"
                + " QueueProviderFactory of that name; they declare preloaded");

        env.put("QUEUE_PROVIDER", "preloaded");
        QueueWorkerProcess.Result missing = QueueWorkerProcess.run(work, env, DEADLINE, "run");
        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(2);
        assertThat(missing.output()).contains("QUEUE_PROVIDER=preloaded: option TASK is required (its options are"
                + " the variables PRELOADED_*)");
    }
}
