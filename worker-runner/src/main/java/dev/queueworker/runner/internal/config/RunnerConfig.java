package dev.queueworker.runner.internal.config;

import dev.queueworker.ai.AiSettings;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.core.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The daemon's whole configuration: the environment, then a {@code .env} file (the environment
 * wins), every variable checked at once so that a bad value stops start-up before anything
 * connects. {@link ConfigException} messages name the variable and never hold a secret.
 *
 * <p>One reader per area maps its variables to the library's immutable options:
 * {@link EngineVariables} (engine), {@link WebhookSettings} (webhooks), {@link AzureSettings}
 * (Azure Storage), {@link AiVariables} (ingest and summarize) and {@link DaemonSettings} (HTTP,
 * plugins, logs). A library's error names its option; the reader puts the variable in front.
 */
public final class RunnerConfig {

    /** Where tasks come from. */
    public enum QueueKind {
        AZURE, MOCK,
        /** A {@link dev.queueworker.api.QueueProviderFactory} of a plugin in WORKER_PLUGINS_DIR, by name. */
        PLUGIN
    }

    /** Where handlers read documents. */
    public enum DocumentStoreKind {
        AZURE, FILESYSTEM, MEMORY,
        /** A {@link dev.queueworker.api.DocumentStoreFactory} of a plugin in WORKER_PLUGINS_DIR, by name. */
        PLUGIN
    }

    /** Log line format. */
    public enum LogFormat { TEXT, JSON }

    /** Variables whose values are never printed. */
    public static final Set<String> SECRETS = Set.of("AZURE_STORAGE_CONNECTION_STRING", "OPENAI_API_KEY",
            "DATABASE_URL", "WEBHOOK_SECRET", "SUPABASE_KEY", "WORKER_CONSOLE_TOKEN");

    /** Every variable the daemon reads, in the order the effective configuration is logged. */
    public static final List<String> VARIABLES = List.of(
            // engine
            "CLIENT_ID", "WORKER_MAX_MESSAGES", "WORKER_CONCURRENCY", "WORKER_VISIBILITY_TIMEOUT",
            "WORKER_POLLING_INTERVAL", "WORKER_MIN_POLLING_INTERVAL", "WORKER_MAX_DEQUEUE_COUNT",
            "WORKER_RETRY_BASE_DELAY", "WORKER_RETRY_MAX_DELAY", "WORKER_SHUTDOWN_TIMEOUT",
            "WORKER_MAX_MESSAGE_BYTES", "WORKER_TASK_TYPES", "WORKER_SHARE",
            // webhooks
            "WEBHOOK_URL", "WEBHOOK_MAX_ATTEMPTS", "WEBHOOK_SECRET", "WEBHOOK_ALLOWED_HOSTS",
            "WEBHOOK_CONNECT_TIMEOUT", "WEBHOOK_READ_TIMEOUT", "WEBHOOK_MAX_QUICK_ATTEMPTS",
            // queue and documents
            "QUEUE_PROVIDER", "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_NAME",
            "AZURE_STORAGE_CONTAINER_NAME", "QUEUE_MESSAGE_ENCODING", "AZURE_STORAGE_MAX_TRIES",
            "AZURE_STORAGE_TRY_TIMEOUT", "DOCUMENT_STORE", "DOCUMENTS_DIR", "BLOB_NAME_TEMPLATE",
            // ingest and summarize
            "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_EMBEDDING_MODEL", "OPENAI_EMBEDDING_DIMENSIONS",
            "OPENAI_MODEL", "OPENAI_TIMEOUT", "OPENAI_REQUESTS_PER_MINUTE", "OPENAI_TOKENS_PER_MINUTE",
            "OPENAI_MAX_WAIT", "OPENAI_TOKENS_PER_DAY", "OPENAI_OVER_BUDGET", "EMBEDDING_PROVIDER",
            "EMBEDDING_BATCH_SIZE", "CHUNK_SIZE", "CHUNK_OVERLAP", "INGEST_MAX_BYTES", "INGEST_MAX_CHARACTERS", "INGEST_PARSE_TIMEOUT", "VECTOR_STORE",
            "DATABASE_URL", "PGVECTOR_TABLE", "WORKER_DATA_DIR", "SUMMARIZER", "SUMMARIZE_PARALLELISM",
            "SUPABASE_URL", "SUPABASE_KEY",
            // the daemon
            "WORKER_PLUGINS_DIR", "WORKER_HTTP_PORT", "WORKER_HTTP_BIND", "WORKER_CONSOLE_TOKEN", "WORKER_CONSOLE_READ_ONLY",
            "LOG_FORMAT", "LOG_LEVEL", "WORKER_TENANTS_CONCURRENCY");

    private static final java.util.regex.Pattern PLUGIN_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private final Map<String, String> variables;
    private final Map<String, String> sources;
    private final List<String> unknownInEnvFile;
    private final WorkerOptions workerOptions;
    private final Set<String> taskTypes;
    private final int share;
    private final WebhookSettings webhooks;
    private final QueueKind queueKind;
    private final String queueProviderName;
    private final DocumentStoreKind documentStoreKind;
    private final String documentStoreName;
    private final String chunkStorePluginName;
    private final String vectorStoreName;
    private final Path documentsDir;
    private final AzureSettings azure;
    private final AiSettings ai;
    private final DaemonSettings daemon;
    private final ClientFolder documentFolder;

    /** Each area's reader checks its variables; then the choices that span areas are checked here. */
    private RunnerConfig(Map<String, String> variables, Map<String, String> sources, List<String> unknownInEnvFile) {
        this.variables = variables;
        this.sources = sources;
        this.unknownInEnvFile = unknownInEnvFile;
        EnvironmentVariables env = EnvironmentVariables.of(variables);
        this.daemon = DaemonSettings.read(env);
        this.workerOptions = EngineVariables.workerOptions(env);
        this.taskTypes = EngineVariables.taskTypes(env);
        this.share = EngineVariables.share(env);
        this.webhooks = WebhookSettings.read(env);
        this.queueProviderName = pluginName(env, "QUEUE_PROVIDER", "azure", "azure or mock", daemon);
        this.queueKind = builtIn(queueProviderName, QueueKind.class, QueueKind.PLUGIN);
        this.azure = AzureSettings.read(env);
        if (queueKind == QueueKind.AZURE && !azure.hasAccount()) {
            throw new ConfigException("QUEUE_PROVIDER=azure needs AZURE_STORAGE_CONNECTION_STRING (or"
                    + " AZURE_STORAGE_ACCOUNT_NAME with a managed identity); use UseDevelopmentStorage=true for Azurite,"
                    + " or QUEUE_PROVIDER=mock to try the worker without Azure");
        }
        if (queueKind == QueueKind.AZURE) {
            String problem = AzureQueueProvider.checkClientId(workerOptions.clientId());
            if (problem != null) {
                throw new ConfigException("CLIENT_ID: " + problem);
            }
        }
        this.documentStoreName = pluginName(env, "DOCUMENT_STORE", azure.hasAccount() ? "azure" : "filesystem",
                "azure or filesystem or memory", daemon);
        this.documentStoreKind = builtIn(documentStoreName, DocumentStoreKind.class, DocumentStoreKind.PLUGIN);
        if (documentStoreKind == DocumentStoreKind.AZURE && !azure.hasAccount()) {
            throw new ConfigException("DOCUMENT_STORE=azure needs AZURE_STORAGE_CONNECTION_STRING or"
                    + " AZURE_STORAGE_ACCOUNT_NAME");
        }
        this.documentsDir = Path.of(env.string("DOCUMENTS_DIR").orElse("documents"));
        this.ai = AiVariables.read(env);
        String store = pluginName(env, "VECTOR_STORE", ai.vectorStore().name().toLowerCase(Locale.ROOT),
                "pgvector or memory", daemon);
        this.chunkStorePluginName = AiVariables.builtInStore(store) ? null : store;
        this.vectorStoreName = store;
        this.documentFolder = ClientFolder.of(env.string("BLOB_NAME_TEMPLATE").orElse(null),
                workerOptions.clientId()).orElse(null);
    }

    /**
     * The name a choice variable gives: a built-in one ({@code builtIns}), or any other name of a
     * provider a plugin brings, which needs WORKER_PLUGINS_DIR.
     */
    private static String pluginName(EnvironmentVariables env, String variable, String fallback, String builtIns,
            DaemonSettings daemon) {
        String name = env.string(variable).map(v -> v.toLowerCase(Locale.ROOT)).orElse(fallback);
        boolean builtIn = (" " + builtIns.replace(" or ", " ") + " ").contains(" " + name + " ");
        if (!builtIn && (daemon.pluginsDir() == null || !PLUGIN_NAME.matcher(name).matches())) {
            throw new ConfigException(variable + " must be " + builtIns + ", or the name of a plugin's provider in"
                    + " WORKER_PLUGINS_DIR, was '" + env.string(variable).orElse("") + "'");
        }
        return name;
    }

    private static <E extends Enum<E>> E builtIn(String name, Class<E> type, E plugin) {
        for (E e : type.getEnumConstants()) {
            if (e != plugin && e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return plugin;
    }

    /**
     * The options the factory named {@code name} gets: a built-in provider's from the variables its
     * area's reader checked ({@code azure}: the account, container, encoding and retries;
     * {@code filesystem}: DOCUMENTS_DIR as {@code directory}; {@code pgvector}: DATABASE_URL and
     * PGVECTOR_TABLE; {@code memory}: WORKER_DATA_DIR as {@code dataDir}), a plugin's from {@link #pluginOptions}.
     */
    public Map<String, String> providerOptions(String name) {
        Map<String, String> options = new TreeMap<>();
        switch (name) {
            case "azure" -> {
                azure.connectionStringIfSet().ifPresent(v -> options.put("connectionString", v));
                azure.accountNameIfSet().ifPresent(v -> options.put("accountName", v));
                options.put("containerName", azure.containerName());
                options.put("messageEncoding", azure.messageEncoding().name().toLowerCase(Locale.ROOT));
                options.put("maxTries", Integer.toString(azure.maxTries()));
                options.put("tryTimeout", azure.tryTimeout().toString());
            }
            case "filesystem" -> options.put("directory", documentsDir.toString());
            case "pgvector" -> {
                ai.databaseUrl().ifPresent(v -> options.put("databaseUrl", v));
                options.put("table", ai.pgvectorTable());
            }
            case "memory" -> options.put("dataDir", ai.dataDir().toString());
            case "mock" -> { }
            default -> options.putAll(pluginOptions(name));
        }
        return options;
    }

    /**
     * The options of the plugin provider {@code name}: the variables named {@code NAME_KEY} ({@code name}
     * in capitals, {@code -} as {@code _}) as {@code KEY}; blank ones left out.
     */
    public Map<String, String> pluginOptions(String name) {
        String prefix = name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
        Map<String, String> options = new TreeMap<>();
        variables.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length() && v != null && !v.isBlank()) {
                options.put(k.substring(prefix.length()), v.strip());
            }
        });
        return options;
    }

    /**
     * Loads the configuration: {@code processEnvironment} first, then {@code envFile} when given (it
     * must exist), else {@code .env} in {@code workingDirectory} when present.
     *
     * @throws ConfigException naming the variable or the file at fault
     */
    public static RunnerConfig load(Map<String, String> processEnvironment, Path workingDirectory, Path envFile) {
        return load(processEnvironment, workingDirectory, envFile, null);
    }

    /**
     * Loads the configuration as {@link #load(Map, Path, Path)} does, for a worker started for one
     * client ({@code run --client}): {@code CLIENT_ID} becomes {@code client}, and a different
     * {@code CLIENT_ID} in the environment or the env file stops start-up. A systemd unit names its
     * client this way, so that no settings file shared by several clients' units can make one unit
     * serve another client's queue.
     *
     * @param client the client this worker serves, or null to take {@code CLIENT_ID} as configured
     * @throws ConfigException naming the variable or the file at fault, or the two clients
     */
    public static RunnerConfig load(Map<String, String> processEnvironment, Path workingDirectory, Path envFile,
            String client) {
        Path file = envFile;
        if (file != null && !Files.isRegularFile(workingDirectory.resolve(file))) {
            throw new ConfigException("--env-file " + file + ": no such file");
        }
        if (file == null && Files.isRegularFile(workingDirectory.resolve(".env"))) {
            file = Path.of(".env");
        }
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        if (file != null) {
            Path resolved = workingDirectory.resolve(file);
            DotEnv.read(resolved).forEach((k, v) -> {
                merged.put(k, v);
                sources.put(k, resolved.toString());
                if (!VARIABLES.contains(k)) {
                    unknown.add(k);
                }
            });
        }
        processEnvironment.forEach((k, v) -> {
            if (v != null && !v.isBlank() || !merged.containsKey(k)) {
                // The same value in the file (a systemd unit passes its env files and names one with
                // --env-file): the file is the more useful source to name.
                if (!Objects.equals(v, merged.get(k))) {
                    sources.put(k, "environment");
                }
                merged.put(k, v);
            }
        });
        if (client != null) {
            requireClient(client, merged, sources);
        }
        RunnerConfig config = new RunnerConfig(Collections.unmodifiableMap(merged), sources, unknown);
        if (client != null && envFile != null) {
            // A per-client service: its own file is --env-file; anything else may be every client's.
            SharedDocuments.checkOwnFile(config, sources, workingDirectory.resolve(envFile).toString())
                    .ifPresent(line -> {
                        throw new ConfigException(line);
                    });
        }
        return config;
    }

    /**
     * The configuration of already merged variables, for a caller that merged them itself (tenants
     * mode merges a shared file, the environment and a client's file).
     *
     * @param sources where each variable came from, for {@link #describe()}
     * @param unknownInFiles names in the files that the daemon does not read
     * @throws ConfigException naming the variable at fault
     */
    public static RunnerConfig fromVariables(Map<String, String> variables, Map<String, String> sources,
            List<String> unknownInFiles) {
        return new RunnerConfig(Collections.unmodifiableMap(new LinkedHashMap<>(variables)),
                new LinkedHashMap<>(sources), List.copyOf(unknownInFiles));
    }

    /** Makes {@code client} the CLIENT_ID of {@code merged}, refusing a different one already there. */
    private static void requireClient(String client, Map<String, String> merged, Map<String, String> sources) {
        String problem = client.isBlank() ? "the client is empty" : AzureQueueProvider.checkClientId(client);
        if (problem != null) {
            throw new ConfigException("--client '" + client + "': " + problem);
        }
        String configured = merged.get("CLIENT_ID");
        if (configured != null && !configured.isBlank() && !configured.strip().equals(client)) {
            String source = sources.get("CLIENT_ID");
            throw new ConfigException("CLIENT_ID is '" + configured.strip() + "' ("
                    + ("environment".equals(source) ? "the environment" : source) + ") but this worker runs with"
                    + " --client " + client + ", the client it was installed for: remove CLIENT_ID from its settings"
                    + " (under systemd, the unit's EnvironmentFile= files) or set it to '" + client + "'");
        }
        merged.put("CLIENT_ID", client);
        sources.put("CLIENT_ID", "--client");
    }

    /**
     * The effective configuration as {@code NAME=value (source)} lines for the start-up log: every
     * variable that is set, secrets shown only as set, then the defaults in force for the rest.
     */
    public List<String> describe() {
        Map<String, String> lines = new TreeMap<>();
        List<String> out = new ArrayList<>();
        for (String name : VARIABLES) {
            Optional<String> value = EnvironmentVariables.of(variables).string(name);
            value.ifPresent(v -> out.add(name + "=" + (SECRETS.contains(name) ? "<set, not shown>" : v) + " ("
                    + sources.get(name) + ")"));
        }
        lines.put("queue", queueProviderName + (queueKind == QueueKind.PLUGIN ? " (a plugin's)" : "") + (queueKind == QueueKind.AZURE
                ? " (" + workerOptions.clientId() + "-tasks, encoding "
                        + azure.messageEncoding().name().toLowerCase(Locale.ROOT) + ")"
                : ""));
        lines.put("documents", documentStoreName + (documentStoreKind == DocumentStoreKind.PLUGIN ? " (a plugin's)" : "")
                + (documentStoreKind == DocumentStoreKind.FILESYSTEM ? " (" + documentsDir.toAbsolutePath() + ")" : ""));
        lines.put("engine", "concurrency " + workerOptions.concurrency() + ", max messages " + workerOptions.maxMessages()
                + ", visibility " + workerOptions.visibilityTimeout() + ", polling " + workerOptions.pollingInterval()
                + ", shutdown " + workerOptions.shutdownTimeout());
        lines.put("ai", "embeddings " + ai.embeddingProvider().name().toLowerCase(Locale.ROOT) + ", vector store "
                + (chunkStorePluginName != null ? chunkStorePluginName + " (a plugin's)"
                        : ai.vectorStore().name().toLowerCase(Locale.ROOT)) + ", summarizer "
                + ai.summarizer().name().toLowerCase(Locale.ROOT));
        lines.put("http", daemon.httpPort() == null ? "off" : daemon.httpBind() + ":" + daemon.httpPort());
        lines.forEach((k, v) -> out.add("effective " + k + ": " + v));
        return out;
    }

    /** Names in the env file that the daemon does not read (typos, usually). */
    public List<String> unknownInEnvFile() {
        return unknownInEnvFile;
    }

    /** The merged variables (secrets included: never print this map). */
    public Map<String, String> variables() {
        return variables;
    }

    public WorkerOptions workerOptions() {
        return workerOptions;
    }

    /** The webhook notifier's secret, hosts and timeouts. */
    public WebhookSettings webhooks() {
        return webhooks;
    }

    public QueueKind queueKind() {
        return queueKind;
    }

    public DocumentStoreKind documentStoreKind() {
        return documentStoreKind;
    }

    /** {@code VECTOR_STORE}'s name (pgvector, memory or a plugin's), the default applied. */
    public String vectorStoreName() {
        return vectorStoreName;
    }

    /** {@code VECTOR_STORE} when it names a plugin's {@code ChunkStoreFactory}, not pgvector or memory. */
    public Optional<String> chunkStorePluginName() {
        return Optional.ofNullable(chunkStorePluginName);
    }

    /** {@code QUEUE_PROVIDER}'s name, lowercase: a built-in one or a plugin's. */
    public String queueProviderName() {
        return queueProviderName;
    }

    /** {@code DOCUMENT_STORE}'s name, lowercase: a built-in one or a plugin's. */
    public String documentStoreName() {
        return documentStoreName;
    }

    /**
     * The folder this client's documents are kept in when {@code BLOB_NAME_TEMPLATE} begins with
     * {@code {client_id}/} (after fixed folders): every document a task names must be inside it.
     */
    public Optional<ClientFolder> documentFolder() {
        return Optional.ofNullable(documentFolder);
    }

    /** {@code DOCUMENTS_DIR}, for {@code DOCUMENT_STORE=filesystem}. */
    public Path documentsDir() {
        return documentsDir;
    }

    /** The Azure Storage settings. */
    public AzureSettings azure() {
        return azure;
    }

    public Optional<String> azureConnectionString() {
        return azure.connectionStringIfSet();
    }

    public Optional<String> azureAccountName() {
        return azure.accountNameIfSet();
    }

    public String azureContainerName() {
        return azure.containerName();
    }

    public AzureQueueProvider.MessageEncoding messageEncoding() {
        return azure.messageEncoding();
    }

    public int azureMaxTries() {
        return azure.maxTries();
    }

    public Duration azureTryTimeout() {
        return azure.tryTimeout();
    }

    public AiSettings ai() {
        return ai;
    }

    /** {@code WORKER_SHARE}: this client's weight when clients of one daemon compete for slots (tenants mode). */
    public int share() {
        return share;
    }

    /** {@code WORKER_TASK_TYPES}: the types this worker runs; empty means every handler found. */
    public Set<String> taskTypes() {
        return taskTypes;
    }

    public Optional<Path> pluginsDir() {
        return daemon.pluginsDirIfSet();
    }

    /** {@code WORKER_CONSOLE_TOKEN}: the console's access token (a secret); empty when none is set. */
    public Optional<String> consoleToken() {
        return daemon.consoleTokenIfSet();
    }

    /** {@code WORKER_CONSOLE_READ_ONLY}: the console shows everything and changes nothing. */
    public boolean consoleReadOnly() {
        return daemon.consoleReadOnly();
    }

    /** {@code WORKER_HTTP_PORT}; empty when the HTTP endpoints are off. 0 picks a free port. */
    public Optional<Integer> httpPort() {
        return daemon.httpPortIfSet();
    }

    public String httpBind() {
        return daemon.httpBind();
    }

    public LogFormat logFormat() {
        return daemon.logFormat();
    }

    public String logLevel() {
        return daemon.logLevel();
    }
}
