package dev.queueworker.runner.internal.wiring;

import dev.queueworker.ai.AiHandlers;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.ChunkStoreFactory;
import dev.queueworker.ai.IngestHandler;
import dev.queueworker.ai.SummarizeHandler;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.DocumentStoreFactory;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.QueueProviderFactory;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.core.OkHttpWebhookNotifier;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import okhttp3.OkHttpClient;

/**
 * Builds the parts the configuration names: the queue, the document store, the webhook notifier and
 * the handlers (built-in and plugins), all over one OkHttp client. Each method builds one part;
 * the caller owns what it gets and closes it.
 */
public final class Components {

    /** The task types worker-ai provides. */
    public static final Set<String> BUILT_IN_TYPES = Set.of(IngestHandler.TASK_TYPE, SummarizeHandler.TASK_TYPE);

    private Components() {
    }

    /** The process's one HTTP client: Azure Storage and webhooks share its connection pool and threads. */
    public static OkHttpClient httpClient() {
        return new OkHttpClient.Builder().build();
    }

    /**
     * The queue of {@code QUEUE_PROVIDER}, a built-in one (found by its name like a plugin's). For Azure
     * this creates the queues when missing, so it fails with a {@link dev.queueworker.api.RetryableException}
     * while Azure Storage is unreachable.
     *
     * @throws ConfigException when {@code QUEUE_PROVIDER} names a plugin's provider, which only {@code run} loads
     */
    public static QueueProvider queue(RunnerConfig config, OkHttpClient http) {
        if (config.queueKind() == RunnerConfig.QueueKind.PLUGIN) {
            throw new ConfigException("QUEUE_PROVIDER=" + config.queueProviderName() + " is a plugin's queue provider,"
                    + " which only the worker (run) loads");
        }
        return queue(config, http, Plugins.NONE);
    }

    /** The queue of {@code QUEUE_PROVIDER}, built in or a plugin's one found in {@code handlers}' plugins, by its name. */
    public static QueueProvider queue(RunnerConfig config, OkHttpClient http, Handlers handlers) {
        return queue(config, http, handlers.plugins());
    }

    private static QueueProvider queue(RunnerConfig config, OkHttpClient http, Plugins plugins) {
        String name = config.queueProviderName();
        QueueProviderFactory factory = plugins.factory(QueueProviderFactory.class, name, QueueProviderFactory::name,
                "QUEUE_PROVIDER");
        if (Factories.builtIn(factory)) {
            return factory.create(settings(config, name, http));
        }
        try {
            return factory.create(settings(config, name, http));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw pluginRefused("QUEUE_PROVIDER", name, e);
        }
    }

    /** The document store of {@code DOCUMENT_STORE}, built in or a plugin's one found in {@code handlers}' plugins. */
    public static DocumentStore documents(RunnerConfig config, OkHttpClient http, Handlers handlers) {
        return documents(config, http, handlers.plugins());
    }

    /**
     * The document store of {@code DOCUMENT_STORE}, a built-in one (found by its name like a plugin's).
     *
     * @throws ConfigException when {@code DOCUMENT_STORE} names a plugin's store, which only {@code run} loads
     */
    public static DocumentStore documents(RunnerConfig config, OkHttpClient http) {
        if (config.documentStoreKind() == RunnerConfig.DocumentStoreKind.PLUGIN) {
            throw new ConfigException("DOCUMENT_STORE=" + config.documentStoreName() + " is a plugin's document"
                    + " store, which only the worker (run) loads");
        }
        return documents(config, http, Plugins.NONE);
    }

    /**
     * The store of {@code DOCUMENT_STORE}, seen through the client's folder when
     * {@code BLOB_NAME_TEMPLATE} gives it one ({@link ClientDocumentStore}).
     */
    private static DocumentStore documents(RunnerConfig config, OkHttpClient http, Plugins plugins) {
        DocumentStore store = store(config, http, plugins);
        return config.documentFolder().<DocumentStore>map(folder -> new ClientDocumentStore(store, folder))
                .orElse(store);
    }

    private static DocumentStore store(RunnerConfig config, OkHttpClient http, Plugins plugins) {
        String name = config.documentStoreName();
        DocumentStoreFactory factory = plugins.factory(DocumentStoreFactory.class, name, DocumentStoreFactory::name,
                "DOCUMENT_STORE");
        if (!Factories.builtIn(factory)) {
            try {
                return factory.create(settings(config, name, http));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw pluginRefused("DOCUMENT_STORE", name, e);
            }
        }
        try {
            return factory.create(settings(config, name, http));
        } catch (UncheckedIOException e) {
            throw new ConfigException("DOCUMENTS_DIR " + config.documentsDir() + " cannot be created: "
                    + e.getCause().getClass().getSimpleName() + " " + e.getCause().getMessage());
        }
    }

    /** What the factory of {@code name} gets: its options (RunnerConfig#providerOptions) and the shared HTTP client. */
    private static ProviderSettings settings(RunnerConfig config, String name, OkHttpClient http) {
        return new ProviderSettings(config.workerOptions().clientId(), config.providerOptions(name),
                Map.of(OkHttpClient.class, http));
    }

    private static ConfigException pluginRefused(String variable, String name, RuntimeException e) {
        return new ConfigException(variable + "=" + name + ": " + e.getMessage() + " (its options are the"
                + " variables " + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_*)");
    }

    /** A builder of the Azure queue provider of {@code config}: account, client id, encoding, retries, HTTP client. */
    public static AzureQueueProvider.Builder azureQueue(RunnerConfig config, OkHttpClient http) {
        AzureQueueProvider.Builder b = AzureQueueProvider.builder()
                .clientId(config.workerOptions().clientId())
                .messageEncoding(config.messageEncoding())
                .maxTries(config.azureMaxTries())
                .tryTimeout(config.azureTryTimeout())
                .okHttpClient(http);
        config.azureConnectionString().ifPresent(b::connectionString);
        config.azureAccountName().ifPresent(b::accountName);
        return b;
    }

    /** The webhook notifier with the configured secret, allowed hosts and timeouts. */
    public static OkHttpWebhookNotifier notifier(RunnerConfig config, OkHttpClient http) {
        return config.webhooks().notifierBuilder().okHttpClient(http).build();
    }

    /**
     * The handlers this worker runs: worker-ai's built-in ones (built only when {@code WORKER_TASK_TYPES}
     * wants one of them, as they load models and connect to the database) and the plugins of
     * {@code WORKER_PLUGINS_DIR}, filtered by {@code WORKER_TASK_TYPES}.
     *
     * @throws ConfigException when a plugin claims a built-in or another plugin's type, or
     *     {@code WORKER_TASK_TYPES} names a type nothing runs
     */
    public static Handlers handlers(RunnerConfig config) {
        Set<String> wanted = config.taskTypes();
        Map<String, TaskHandler> byType = new LinkedHashMap<>();
        List<AutoCloseable> resources = new ArrayList<>();
        Plugins plugins = config.pluginsDir().map(Plugins::load).orElse(Plugins.NONE);
        resources.add(plugins);
        try {
            for (TaskHandler plugin : plugins.handlers()) {
                String type = plugin.taskType();
                if (BUILT_IN_TYPES.contains(type)) {
                    throw new ConfigException("plugin " + Plugins.origin(plugin) + " declares task type '" + type
                            + "', which is built in: give the plugin's handler another type");
                }
                TaskHandler previous = byType.putIfAbsent(type, plugin);
                if (previous != null) {
                    throw new ConfigException("task type '" + type + "' is declared by two plugins: "
                            + Plugins.origin(previous) + " and " + Plugins.origin(plugin));
                }
            }
            Set<String> available = new TreeSet<>(byType.keySet());
            available.addAll(BUILT_IN_TYPES);
            for (String type : wanted) {
                if (!available.contains(type)) {
                    throw new ConfigException("WORKER_TASK_TYPES names '" + type + "', which no handler runs;"
                            + " available: " + String.join(", ", available));
                }
            }
            byType.keySet().removeIf(type -> !wanted.isEmpty() && !wanted.contains(type));
            boolean needAi = wanted.isEmpty() || BUILT_IN_TYPES.stream().anyMatch(wanted::contains);
            if (needAi) {
                AiHandlers ai = AiHandlers.create(config.ai(), dimension -> chunkStore(config, plugins, dimension));
                resources.add(ai);
                for (TaskHandler h : ai.handlers()) {
                    if (wanted.isEmpty() || wanted.contains(h.taskType())) {
                        byType.put(h.taskType(), h);
                    }
                }
            }
            return new Handlers(List.copyOf(byType.values()), resources, plugins);
        } catch (RuntimeException e) {
            new Handlers(List.of(), resources, plugins).close();
            throw e;
        }
    }

    /**
     * Checks {@code task}'s payload with its handler's own rules ({@link TaskHandler#validate}) without
     * building what the handler runs with: the built-in types by their static rules (no model is
     * loaded, no database reached), a plugin's by loading {@code WORKER_PLUGINS_DIR} for the moment.
     *
     * @return whether a handler of this type was found and checked it
     * @throws dev.queueworker.api.InvalidTaskException naming the field the handler refuses
     */
    public static boolean validate(RunnerConfig config, Task task) {
        switch (task.type()) {
            case IngestHandler.TASK_TYPE -> IngestHandler.validatePayload(task, config.ai().blobNameTemplate());
            case SummarizeHandler.TASK_TYPE -> SummarizeHandler.validatePayload(task, config.ai().blobNameTemplate());
            default -> {
                try (Plugins plugins = config.pluginsDir().map(Plugins::load).orElse(Plugins.NONE)) {
                    for (TaskHandler plugin : plugins.handlers()) {
                        if (plugin.taskType().equals(task.type())) {
                            plugin.validate(task);
                            return true;
                        }
                    }
                    return false;
                }
            }
        }
        return true;
    }

    /** The chunk store of {@code VECTOR_STORE}, built in or a plugin's, found by its name. */
    private static ChunkStore chunkStore(RunnerConfig config, Plugins plugins, int dimension) {
        String name = config.vectorStoreName();
        ChunkStoreFactory factory = plugins.factory(ChunkStoreFactory.class, name, ChunkStoreFactory::name,
                "VECTOR_STORE");
        ProviderSettings settings = new ProviderSettings(config.workerOptions().clientId(),
                config.providerOptions(name));
        if (Factories.builtIn(factory)) {
            return factory.create(settings, dimension);
        }
        try {
            return factory.create(settings, dimension);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw pluginRefused("VECTOR_STORE", name, e);
        }
    }

    /** Handlers, what must be closed after the worker stops, and the plugins (a plugin's queue or store comes from them). */
    public record Handlers(List<TaskHandler> handlers, List<AutoCloseable> resources, Plugins plugins)
            implements AutoCloseable {
        @Override
        public void close() {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Components.class).warn("closing {} failed: {}", r, e.toString());
                }
            }
        }
    }
}
