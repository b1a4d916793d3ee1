package dev.queueworker.runner.internal.config;

import dev.queueworker.ai.AiSettings;
import dev.queueworker.api.EnvironmentVariables;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.core.OkHttpWebhookNotifier;
import dev.queueworker.core.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The daemon's whole configuration: the environment, then a {@code .env} file (the environment
 * wins), every variable checked at once so that a bad value stops start-up before anything
 * connects. {@link ConfigException} messages name the variable and never hold a secret.
 */
public final class RunnerConfig {

    /** Where tasks come from. */
    public enum QueueKind { AZURE, MOCK }

    /** Where handlers read documents. */
    public enum DocumentStoreKind { AZURE, FILESYSTEM, MEMORY }

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
            "WORKER_MAX_MESSAGE_BYTES", "WORKER_TASK_TYPES",
            // webhooks
            "WEBHOOK_URL", "WEBHOOK_MAX_ATTEMPTS", "WEBHOOK_SECRET", "WEBHOOK_ALLOWED_HOSTS",
            "WEBHOOK_CONNECT_TIMEOUT", "WEBHOOK_READ_TIMEOUT", "WEBHOOK_MAX_QUICK_ATTEMPTS",
            // queue and documents
            "QUEUE_PROVIDER", "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_NAME",
            "AZURE_STORAGE_CONTAINER_NAME", "QUEUE_MESSAGE_ENCODING", "AZURE_STORAGE_MAX_TRIES",
            "AZURE_STORAGE_TRY_TIMEOUT", "DOCUMENT_STORE", "DOCUMENTS_DIR", "BLOB_NAME_TEMPLATE",
            // ingest and summarize
            "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_EMBEDDING_MODEL", "OPENAI_EMBEDDING_DIMENSIONS",
            "OPENAI_MODEL", "OPENAI_TIMEOUT", "EMBEDDING_PROVIDER", "EMBEDDING_BATCH_SIZE", "CHUNK_SIZE",
            "CHUNK_OVERLAP", "INGEST_MAX_BYTES", "INGEST_MAX_CHARACTERS", "INGEST_PARSE_TIMEOUT", "VECTOR_STORE",
            "DATABASE_URL", "PGVECTOR_TABLE", "WORKER_DATA_DIR", "SUMMARIZER", "SUMMARIZE_PARALLELISM",
            "SUPABASE_URL", "SUPABASE_KEY",
            // the daemon
            "WORKER_PLUGINS_DIR", "WORKER_HTTP_PORT", "WORKER_HTTP_BIND", "WORKER_CONSOLE_TOKEN", "WORKER_CONSOLE_READ_ONLY",
            "LOG_FORMAT", "LOG_LEVEL");

    /** The builder options' names in their error messages, and the variables that set them. */
    private static final Map<String, String> OPTION_VARIABLES = Map.ofEntries(
            Map.entry("clientId", "CLIENT_ID"), Map.entry("maxMessages", "WORKER_MAX_MESSAGES"),
            Map.entry("concurrency", "WORKER_CONCURRENCY"), Map.entry("visibilityTimeout", "WORKER_VISIBILITY_TIMEOUT"),
            Map.entry("pollingInterval", "WORKER_POLLING_INTERVAL"),
            Map.entry("minPollingInterval", "WORKER_MIN_POLLING_INTERVAL"),
            Map.entry("maxDequeueCount", "WORKER_MAX_DEQUEUE_COUNT"),
            Map.entry("retryBaseDelay", "WORKER_RETRY_BASE_DELAY"), Map.entry("retryMaxDelay", "WORKER_RETRY_MAX_DELAY"),
            Map.entry("shutdownTimeout", "WORKER_SHUTDOWN_TIMEOUT"),
            Map.entry("maxMessageBytes", "WORKER_MAX_MESSAGE_BYTES"), Map.entry("defaultWebhookUrl", "WEBHOOK_URL"),
            Map.entry("webhookMaxAttempts", "WEBHOOK_MAX_ATTEMPTS"), Map.entry("allowedHosts", "WEBHOOK_ALLOWED_HOSTS"),
            Map.entry("connectTimeout", "WEBHOOK_CONNECT_TIMEOUT"), Map.entry("readTimeout", "WEBHOOK_READ_TIMEOUT"),
            Map.entry("maxAttempts", "WEBHOOK_MAX_QUICK_ATTEMPTS"), Map.entry("secret", "WEBHOOK_SECRET"));
    private static final Pattern OPTION_IN_MESSAGE = Pattern.compile("'([a-zA-Z]+)'");
    private static final Pattern LOG_LEVEL = Pattern.compile("(?i)TRACE|DEBUG|INFO|WARN|ERROR|OFF");

    private final Map<String, String> variables;
    private final Map<String, String> sources;
    private final List<String> unknownInEnvFile;
    private final WorkerOptions workerOptions;
    private final OkHttpWebhookNotifier.Builder webhooks;
    private final QueueKind queueKind;
    private final DocumentStoreKind documentStoreKind;
    private final Path documentsDir;
    private final AzureQueueProvider.MessageEncoding messageEncoding;
    private final int azureMaxTries;
    private final Duration azureTryTimeout;
    private final AiSettings ai;
    private final Set<String> taskTypes;
    private final Path pluginsDir;
    private final Integer httpPort;
    private final String httpBind;
    private final String consoleToken;
    private final boolean consoleReadOnly;
    private final LogFormat logFormat;
    private final String logLevel;

    private RunnerConfig(Map<String, String> variables, Map<String, String> sources, List<String> unknownInEnvFile) {
        this.variables = variables;
        this.sources = sources;
        this.unknownInEnvFile = unknownInEnvFile;
        EnvironmentVariables env = EnvironmentVariables.of(variables);
        this.logFormat = check(() -> env.choice("LOG_FORMAT", LogFormat.class).orElse(LogFormat.TEXT));
        this.logLevel = env.string("LOG_LEVEL").map(level -> {
            if (!LOG_LEVEL.matcher(level).matches()) {
                throw new ConfigException("LOG_LEVEL must be TRACE, DEBUG, INFO, WARN, ERROR or OFF, was '" + level + "'");
            }
            return level.toUpperCase(Locale.ROOT);
        }).orElse("INFO");
        this.workerOptions = check(() -> workerOptions(env));
        this.webhooks = check(() -> webhooks(env));
        this.queueKind = check(() -> env.choice("QUEUE_PROVIDER", QueueKind.class).orElse(QueueKind.AZURE));
        boolean azureAccount = env.string("AZURE_STORAGE_CONNECTION_STRING").isPresent()
                || env.string("AZURE_STORAGE_ACCOUNT_NAME").isPresent();
        if (env.string("AZURE_STORAGE_CONNECTION_STRING").isPresent() && env.string("AZURE_STORAGE_ACCOUNT_NAME").isPresent()) {
            throw new ConfigException("set one of AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_ACCOUNT_NAME, not both");
        }
        if (queueKind == QueueKind.AZURE && !azureAccount) {
            throw new ConfigException("QUEUE_PROVIDER=azure needs AZURE_STORAGE_CONNECTION_STRING (or"
                    + " AZURE_STORAGE_ACCOUNT_NAME with a managed identity); use UseDevelopmentStorage=true for Azurite,"
                    + " or QUEUE_PROVIDER=mock to try the worker without Azure");
        }
        env.string("AZURE_STORAGE_CONNECTION_STRING").ifPresent(RunnerConfig::checkConnectionString);
        if (queueKind == QueueKind.AZURE) {
            String problem = AzureQueueProvider.checkClientId(workerOptions.clientId());
            if (problem != null) {
                throw new ConfigException(problem);
            }
        }
        this.messageEncoding = check(() -> env.choice("QUEUE_MESSAGE_ENCODING", AzureQueueProvider.MessageEncoding.class)
                .orElse(AzureQueueProvider.MessageEncoding.NONE));
        this.azureMaxTries = check(() -> env.integer("AZURE_STORAGE_MAX_TRIES", 1, 20).orElse(3));
        this.azureTryTimeout = check(() -> env.duration("AZURE_STORAGE_TRY_TIMEOUT").orElse(Duration.ofSeconds(10)));
        env.string("AZURE_STORAGE_CONTAINER_NAME").ifPresent(name -> check(() ->
                AzureBlobDocumentStore.builder().containerName(name)));
        env.string("AZURE_STORAGE_ACCOUNT_NAME").ifPresent(name -> check(() ->
                AzureBlobDocumentStore.builder().accountName(name)));
        this.documentStoreKind = check(() -> env.choice("DOCUMENT_STORE", DocumentStoreKind.class)
                .orElse(azureAccount ? DocumentStoreKind.AZURE : DocumentStoreKind.FILESYSTEM));
        if (documentStoreKind == DocumentStoreKind.AZURE && !azureAccount) {
            throw new ConfigException("DOCUMENT_STORE=azure needs AZURE_STORAGE_CONNECTION_STRING or"
                    + " AZURE_STORAGE_ACCOUNT_NAME");
        }
        this.documentsDir = Path.of(env.string("DOCUMENTS_DIR").orElse("documents"));
        if (env.string("SUPABASE_URL").isPresent() && env.string("DATABASE_URL").isEmpty()) {
            throw new ConfigException("SUPABASE_URL is set but the worker writes to the database directly: set"
                    + " DATABASE_URL to the project's connection string (session pooler or direct, see docs/supabase.md)");
        }
        this.ai = check(() -> AiSettings.fromEnvironment(variables));
        this.taskTypes = env.string("WORKER_TASK_TYPES").map(RunnerConfig::taskTypes).orElse(Set.of());
        this.pluginsDir = env.string("WORKER_PLUGINS_DIR").map(Path::of).orElse(null);
        if (pluginsDir != null && !Files.isDirectory(pluginsDir)) {
            throw new ConfigException("WORKER_PLUGINS_DIR must be a directory, was '" + pluginsDir + "'");
        }
        this.httpPort = check(() -> env.integer("WORKER_HTTP_PORT", 0, 65535).orElse(null));
        this.httpBind = env.string("WORKER_HTTP_BIND").orElse("127.0.0.1");
        this.consoleToken = env.string("WORKER_CONSOLE_TOKEN").map(RunnerConfig::checkConsoleToken).orElse(null);
        this.consoleReadOnly = check(() -> env.bool("WORKER_CONSOLE_READ_ONLY").orElse(false));
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
        return new RunnerConfig(Collections.unmodifiableMap(merged), sources, unknown);
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

    private static WorkerOptions workerOptions(EnvironmentVariables env) {
        WorkerOptions.Builder b = WorkerOptions.builder();
        env.string("CLIENT_ID").ifPresent(b::clientId);
        env.integer("WORKER_MAX_MESSAGES", Integer.MIN_VALUE, Integer.MAX_VALUE).ifPresent(b::maxMessages);
        env.integer("WORKER_CONCURRENCY", Integer.MIN_VALUE, Integer.MAX_VALUE).ifPresent(b::concurrency);
        env.duration("WORKER_VISIBILITY_TIMEOUT").ifPresent(b::visibilityTimeout);
        env.duration("WORKER_POLLING_INTERVAL").ifPresent(b::pollingInterval);
        env.duration("WORKER_MIN_POLLING_INTERVAL").ifPresent(b::minPollingInterval);
        env.integer("WORKER_MAX_DEQUEUE_COUNT", Integer.MIN_VALUE, Integer.MAX_VALUE).ifPresent(b::maxDequeueCount);
        env.duration("WORKER_RETRY_BASE_DELAY").ifPresent(b::retryBaseDelay);
        env.duration("WORKER_RETRY_MAX_DELAY").ifPresent(b::retryMaxDelay);
        env.duration("WORKER_SHUTDOWN_TIMEOUT").ifPresent(b::shutdownTimeout);
        env.integer("WORKER_MAX_MESSAGE_BYTES", Integer.MIN_VALUE, Integer.MAX_VALUE).ifPresent(b::maxMessageBytes);
        env.string("WEBHOOK_URL").ifPresent(b::defaultWebhookUrl);
        env.integer("WEBHOOK_MAX_ATTEMPTS", Integer.MIN_VALUE, Integer.MAX_VALUE).ifPresent(b::webhookMaxAttempts);
        return b.build();
    }

    private static OkHttpWebhookNotifier.Builder webhooks(EnvironmentVariables env) {
        OkHttpWebhookNotifier.Builder b = OkHttpWebhookNotifier.builder();
        env.string("WEBHOOK_SECRET").ifPresent(secret -> {
            try {
                b.secret(secret);
            } catch (IllegalArgumentException e) {
                // The notifier's message may quote the value: say what is expected instead.
                throw new ConfigException("WEBHOOK_SECRET must be whsec_ followed by Base64 (Standard Webhooks)");
            }
        });
        env.string("WEBHOOK_ALLOWED_HOSTS").ifPresent(hosts -> b.allowedHosts(Arrays.stream(hosts.split(","))
                .map(String::strip).filter(h -> !h.isEmpty()).toList()));
        env.duration("WEBHOOK_CONNECT_TIMEOUT").ifPresent(b::connectTimeout);
        env.duration("WEBHOOK_READ_TIMEOUT").ifPresent(b::readTimeout);
        env.integer("WEBHOOK_MAX_QUICK_ATTEMPTS", 1, 100).ifPresent(b::maxAttempts);
        return b;
    }

    /** A syntax check that names what is missing and never quotes the value (it holds the account key). */
    static void checkConnectionString(String value) {
        Map<String, String> parts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : value.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("AZURE_STORAGE_CONNECTION_STRING must be Key=value pairs separated by ';'"
                        + " (copy it from the storage account's Access keys), or UseDevelopmentStorage=true");
            }
            parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        if ("true".equalsIgnoreCase(parts.get("UseDevelopmentStorage"))) {
            return;
        }
        if (!parts.containsKey("AccountKey") && !parts.containsKey("SharedAccessSignature")) {
            throw new ConfigException("AZURE_STORAGE_CONNECTION_STRING has neither AccountKey nor SharedAccessSignature");
        }
        if (!parts.containsKey("AccountName") && !parts.containsKey("QueueEndpoint")) {
            throw new ConfigException("AZURE_STORAGE_CONNECTION_STRING has neither AccountName nor QueueEndpoint");
        }
    }

    private static String checkConsoleToken(String token) {
        if (token.length() < 16 || !token.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new ConfigException("WORKER_CONSOLE_TOKEN must be at least 16 printable ASCII characters without"
                    + " spaces (e.g. openssl rand -hex 24)");
        }
        return token;
    }

    private static Set<String> taskTypes(String list) {
        Set<String> types = new LinkedHashSet<>();
        for (String t : list.split(",")) {
            String type = t.strip();
            if (type.isEmpty()) {
                continue;
            }
            if (!TaskMessage.isTaskType(type)) {
                throw new ConfigException("WORKER_TASK_TYPES must list task types (lowercase letters, digits, '.', '_',"
                        + " '-'), comma-separated; '" + type + "' is not one");
            }
            types.add(type);
        }
        return Collections.unmodifiableSet(types);
    }

    /** Runs a builder step; its {@link IllegalArgumentException} becomes a {@link ConfigException} naming the variable. */
    private static <T> T check(Supplier<T> step) {
        try {
            return step.get();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigException(variableNames(String.valueOf(e.getMessage())));
        }
    }

    /** Replaces builder option names quoted in {@code message} ({@code 'maxMessages'}) with their variables. */
    static String variableNames(String message) {
        return OPTION_IN_MESSAGE.matcher(message).replaceAll(m -> {
            String variable = OPTION_VARIABLES.get(m.group(1));
            return variable == null ? m.group().replace("$", "\\$") : variable;
        });
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
        lines.put("queue", queueKind.name().toLowerCase(Locale.ROOT) + (queueKind == QueueKind.AZURE
                ? " (" + workerOptions.clientId() + "-tasks, encoding " + messageEncoding.name().toLowerCase(Locale.ROOT) + ")"
                : ""));
        lines.put("documents", documentStoreKind.name().toLowerCase(Locale.ROOT)
                + (documentStoreKind == DocumentStoreKind.FILESYSTEM ? " (" + documentsDir.toAbsolutePath() + ")" : ""));
        lines.put("engine", "concurrency " + workerOptions.concurrency() + ", max messages " + workerOptions.maxMessages()
                + ", visibility " + workerOptions.visibilityTimeout() + ", polling " + workerOptions.pollingInterval()
                + ", shutdown " + workerOptions.shutdownTimeout());
        lines.put("ai", "embeddings " + ai.embeddingProvider().name().toLowerCase(Locale.ROOT) + ", vector store "
                + ai.vectorStore().name().toLowerCase(Locale.ROOT) + ", summarizer "
                + ai.summarizer().name().toLowerCase(Locale.ROOT));
        lines.put("http", httpPort == null ? "off" : httpBind + ":" + httpPort);
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

    /** A builder of the webhook notifier with the configured secret, hosts and timeouts. */
    public OkHttpWebhookNotifier.Builder webhooks() {
        return webhooks;
    }

    public QueueKind queueKind() {
        return queueKind;
    }

    public DocumentStoreKind documentStoreKind() {
        return documentStoreKind;
    }

    /** {@code DOCUMENTS_DIR}, for {@code DOCUMENT_STORE=filesystem}. */
    public Path documentsDir() {
        return documentsDir;
    }

    public Optional<String> azureConnectionString() {
        return EnvironmentVariables.of(variables).string("AZURE_STORAGE_CONNECTION_STRING");
    }

    public Optional<String> azureAccountName() {
        return EnvironmentVariables.of(variables).string("AZURE_STORAGE_ACCOUNT_NAME");
    }

    public String azureContainerName() {
        return EnvironmentVariables.of(variables).string("AZURE_STORAGE_CONTAINER_NAME")
                .orElse(AzureBlobDocumentStore.DEFAULT_CONTAINER_NAME);
    }

    public AzureQueueProvider.MessageEncoding messageEncoding() {
        return messageEncoding;
    }

    public int azureMaxTries() {
        return azureMaxTries;
    }

    public Duration azureTryTimeout() {
        return azureTryTimeout;
    }

    public AiSettings ai() {
        return ai;
    }

    /** {@code WORKER_TASK_TYPES}: the types this worker runs; empty means every handler found. */
    public Set<String> taskTypes() {
        return taskTypes;
    }

    public Optional<Path> pluginsDir() {
        return Optional.ofNullable(pluginsDir);
    }

    /** {@code WORKER_CONSOLE_TOKEN}: the console's access token (a secret); empty when none is set. */
    public Optional<String> consoleToken() {
        return Optional.ofNullable(consoleToken);
    }

    /** {@code WORKER_CONSOLE_READ_ONLY}: the console shows everything and changes nothing. */
    public boolean consoleReadOnly() {
        return consoleReadOnly;
    }

    /** {@code WORKER_HTTP_PORT}; empty when the HTTP endpoints are off. 0 picks a free port. */
    public Optional<Integer> httpPort() {
        return Optional.ofNullable(httpPort);
    }

    public String httpBind() {
        return httpBind;
    }

    public LogFormat logFormat() {
        return logFormat;
    }

    public String logLevel() {
        return logLevel;
    }
}
