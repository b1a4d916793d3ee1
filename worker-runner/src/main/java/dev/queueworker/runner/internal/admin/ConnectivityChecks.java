package dev.queueworker.runner.internal.admin;

import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.ai.internal.Embeddings;
import dev.queueworker.ai.internal.ModelErrors;
import dev.queueworker.ai.internal.store.DatabaseUrl;
import dev.queueworker.ai.internal.store.PgVectorChunkStore;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzurePoisonQueue;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.runner.internal.cli.Errors;
import dev.queueworker.runner.internal.config.AiVariables;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.wiring.Components;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The checks of {@code queue-worker check}: can this configuration reach what the daemon needs?
 * Queue and poison queue (with their depths), the document store, the vector store (PostgreSQL with
 * pgvector and a table of the model's dimension), the embedding model, the LLM, and the default
 * webhook URL's host.
 *
 * <p>Each check has a deadline of a few seconds (loading the local model, a minute) and runs once:
 * the Azure clients try each call once. Checks create nothing where that can be avoided: queues,
 * the container and the table are asked about, never made ({@code run} makes them). Two checks
 * have side effects: the embedding and LLM checks each make one small model call (billed, for
 * OpenAI), and nothing else. No result holds a secret.
 */
public final class ConnectivityChecks {

    static final Duration AZURE_TRY_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEADLINE = Duration.ofSeconds(15);
    static final Duration MODEL_DEADLINE = Duration.ofSeconds(20);
    static final Duration LOCAL_MODEL_DEADLINE = Duration.ofSeconds(90);
    private static final Duration MODEL_TIMEOUT = Duration.ofSeconds(10);
    private static final int DATABASE_TIMEOUT_SECONDS = 5;

    private final RunnerConfig config;
    private final OkHttpClient http;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "queue-worker-check");
        t.setDaemon(true); // a check past its deadline is abandoned, not waited for
        return t;
    });
    private Integer modelDimension;

    public ConnectivityChecks(RunnerConfig config, OkHttpClient http) {
        this.config = config;
        this.http = http;
    }

    /** Runs every check in order and returns one result per row. */
    public List<CheckResult> run() {
        try {
            List<CheckResult> results = new ArrayList<>();
            results.addAll(queues());
            results.add(documents());
            boolean ai = needsAi();
            if (ai) {
                results.add(timed("embeddings", config.ai().embeddingProvider() == AiSettings.EmbeddingProvider.LOCAL
                        ? LOCAL_MODEL_DEADLINE : MODEL_DEADLINE, this::embeddings, this::modelHint));
                results.addAll(vectorStore());
                results.add(timed("llm", MODEL_DEADLINE, this::llm, this::modelHint));
            } else {
                String why = "WORKER_TASK_TYPES runs no built-in handler (ingest, summarize)";
                results.add(CheckResult.skip("embeddings", why));
                results.add(CheckResult.skip("vector store", why));
                results.add(CheckResult.skip("llm", why));
            }
            results.add(timed("webhook", DEADLINE, this::webhook, e -> "check WEBHOOK_URL"));
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    private boolean needsAi() {
        Set<String> types = config.taskTypes();
        return types.isEmpty() || Components.BUILT_IN_TYPES.stream().anyMatch(types::contains);
    }

    // --- queues ---------------------------------------------------------------------------------------

    private List<CheckResult> queues() {
        if (config.queueKind() == RunnerConfig.QueueKind.MOCK) {
            String why = "QUEUE_PROVIDER=mock: an in-process queue, nothing to reach";
            return List.of(CheckResult.skip("queue", why), CheckResult.skip("poison queue", why));
        }
        if (config.queueKind() == RunnerConfig.QueueKind.PLUGIN) {
            String why = "QUEUE_PROVIDER=" + config.queueProviderName() + ": a plugin's queue provider, not checked";
            return List.of(CheckResult.skip("queue", why), CheckResult.skip("poison queue", why));
        }
        AzureQueueProvider provider;
        try {
            provider = AdminConnections.queue(config, http, false, 1, AZURE_TRY_TIMEOUT);
        } catch (RuntimeException e) {
            CheckResult failed = CheckResult.fail("queue", Errors.describe(e), azureHint(e));
            return List.of(failed, CheckResult.skip("poison queue", "the queue settings are unusable"));
        }
        CheckResult queue = timed("queue", DEADLINE, () -> {
            if (!provider.exists()) {
                return CheckResult.ok("queue", provider.queueName() + " does not exist yet; run creates it");
            }
            return CheckResult.ok("queue", provider.queueName() + ": about " + count(provider.approximateDepth()));
        }, this::azureHint);
        if (queue.status() == CheckResult.Status.FAIL && isUnreachable(queue)) {
            return List.of(queue, CheckResult.skip("poison queue", "Azure Storage does not answer (see queue)"));
        }
        AzurePoisonQueue poison = provider.poisonQueue();
        CheckResult poisonResult = timed("poison queue", DEADLINE, () -> {
            if (!poison.exists()) {
                return CheckResult.ok("poison queue", poison.name() + " does not exist yet; run creates it");
            }
            long depth = poison.approximateDepth();
            return CheckResult.ok("poison queue", poison.name() + ": about " + count(depth)
                    + (depth > 0 ? " (see: queue-worker poison list)" : ""));
        }, this::azureHint);
        return List.of(queue, poisonResult);
    }

    private static boolean isUnreachable(CheckResult result) {
        return result.hint() != null && result.hint().startsWith("is Az");
    }

    private static String count(long n) {
        return n + (n == 1 ? " message" : " messages");
    }

    // --- documents ------------------------------------------------------------------------------------

    private CheckResult documents() {
        switch (config.documentStoreKind()) {
            case PLUGIN:
                return CheckResult.skip("documents", "DOCUMENT_STORE=" + config.documentStoreName()
                        + ": a plugin's document store, not checked");
            case MEMORY:
                return CheckResult.skip("documents", "DOCUMENT_STORE=memory: in-process, nothing to reach");
            case FILESYSTEM:
                return directory("documents", "DOCUMENTS_DIR", config.documentsDir());
            default:
                String container = config.azureContainerName();
                return timed("documents", DEADLINE, () -> {
                    AzureBlobDocumentStore store = AdminConnections.blobStore(config, http, 1, AZURE_TRY_TIMEOUT);
                    try {
                        // One listing request for a prefix nothing has: answers whether the container is there.
                        store.list(".queue-worker-check/");
                        return CheckResult.ok("documents", "container " + container + " reachable");
                    } catch (PermanentException e) {
                        if (e.statusCode() == 404 && "ContainerNotFound".equals(e.errorCode())) {
                            return CheckResult.ok("documents", "container " + container
                                    + " does not exist yet; run and submit create it");
                        }
                        throw e;
                    }
                }, this::azureHint);
        }
    }

    // --- models ---------------------------------------------------------------------------------------

    /** The AI settings with model calls bounded by {@link #MODEL_TIMEOUT}. */
    private AiSettings quickAiSettings() {
        Map<String, String> variables = new HashMap<>(config.variables());
        Duration configured = config.ai().openAiTimeout();
        if (configured == null || configured.compareTo(MODEL_TIMEOUT) > 0) {
            variables.put("OPENAI_TIMEOUT", MODEL_TIMEOUT.toSeconds() + "s");
        }
        return AiVariables.read(variables);
    }

    private CheckResult embeddings() {
        AiSettings settings = quickAiSettings();
        boolean local = settings.embeddingProvider() == AiSettings.EmbeddingProvider.LOCAL;
        String where = local ? " (local)" : " at " + base(settings.openAiApiBase());
        Embeddings embeddings;
        int dimension;
        try {
            embeddings = Embeddings.create(settings);
            modelDimension = embeddings.dimension();
            dimension = embeddings.model().embed("queue-worker check").content().dimension();
        } catch (RuntimeException e) {
            throw ModelErrors.translate(e, "embedding model " + (local ? Embeddings.LOCAL_MODEL
                    : settings.openAiEmbeddingModel()));
        }
        if (dimension != embeddings.dimension()) {
            modelDimension = dimension;
            return CheckResult.fail("embeddings", embeddings.name() + where + " returned " + dimension
                    + " dimensions, not the " + embeddings.dimension() + " expected",
                    "set OPENAI_EMBEDDING_DIMENSIONS to " + dimension + " or unset it");
        }
        return CheckResult.ok("embeddings", embeddings.name() + where + ": " + dimension + " dimensions");
    }

    private CheckResult llm() {
        if (config.ai().summarizer() != AiSettings.Summarizer.LLM) {
            return CheckResult.skip("llm", "SUMMARIZER=extractive: no model");
        }
        AiSettings settings = quickAiSettings();
        OpenAiChatModel chat = OpenAiChatModel.builder()
                .baseUrl(settings.openAiApiBase())
                .apiKey(settings.openAiApiKey().orElseThrow())
                .modelName(settings.openAiModel())
                .timeout(MODEL_TIMEOUT)
                .maxRetries(1)
                .build();
        try {
            chat.chat("Reply with the single word OK.");
        } catch (RuntimeException e) {
            throw ModelErrors.translate(e, "chat model " + settings.openAiModel());
        }
        return CheckResult.ok("llm", settings.openAiModel() + " at " + base(settings.openAiApiBase()) + " answered");
    }

    private String modelHint(RuntimeException e) {
        int status = e instanceof QueueWorkerException q ? q.statusCode() : 0;
        if (status == 401 || status == 403) {
            return "check OPENAI_API_KEY";
        }
        if (status == 404) {
            return "check the model name (OPENAI_EMBEDDING_MODEL, OPENAI_MODEL) and OPENAI_API_BASE";
        }
        if (status == 429) {
            return "rate limited or out of quota: check the account at the model provider";
        }
        if (config.ai().embeddingProvider() == AiSettings.EmbeddingProvider.LOCAL && status == 0
                && !(e instanceof QueueWorkerException)) {
            return "the local model did not load: is there memory for it (about 200 MB)?";
        }
        return "is the model server reachable? check OPENAI_API_BASE";
    }

    private static String base(String url) {
        HttpUrl parsed = HttpUrl.parse(url);
        return parsed == null ? url : parsed.newBuilder().username("").password("").query(null).build().toString();
    }

    // --- vector store ---------------------------------------------------------------------------------

    private List<CheckResult> vectorStore() {
        AiSettings ai = config.ai();
        if (config.chunkStorePluginName().isPresent()) {
            String why = "VECTOR_STORE=" + config.chunkStorePluginName().get() + ": a plugin's chunk store, not checked";
            return List.of(CheckResult.skip("vector store", why), CheckResult.skip("vector table", why));
        }
        if (ai.vectorStore() == AiSettings.VectorStore.MEMORY) {
            return List.of(directory("vector store", "WORKER_DATA_DIR", ai.dataDir()));
        }
        DatabaseUrl url = DatabaseUrl.parse(ai.databaseUrl().orElseThrow());
        CheckResult[] table = new CheckResult[1];
        CheckResult database = timed("vector store", DEADLINE, () -> database(url, table), e -> "check DATABASE_URL");
        return List.of(database, table[0] != null ? table[0]
                : CheckResult.skip("vector table", "the database did not answer"));
    }

    /** Checks the database and pgvector; puts the table's row into {@code tableResult[0]} when it got that far. */
    private CheckResult database(DatabaseUrl url, CheckResult[] tableResult) {
        Properties properties = new Properties();
        url.parameters().forEach(properties::setProperty);
        properties.setProperty("user", url.user());
        if (url.password() != null) {
            properties.setProperty("password", url.password());
        }
        properties.setProperty("connectTimeout", Integer.toString(DATABASE_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(DATABASE_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(DATABASE_TIMEOUT_SECONDS * 2));
        properties.setProperty("ApplicationName", "queue-worker check");
        String where = url.location();
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            return CheckResult.fail("vector store", "the PostgreSQL driver is missing from this build",
                    "rebuild queue-worker.jar");
        }
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), properties)) {
            String version = single(connection, "SELECT extversion FROM pg_extension WHERE extname = 'vector'");
            CheckResult result;
            if (version != null) {
                result = CheckResult.ok("vector store", "PostgreSQL at " + where + ", pgvector " + version);
            } else {
                String available = single(connection,
                        "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'");
                if (available == null) {
                    tableResult[0] = CheckResult.skip("vector table", "pgvector is missing");
                    return CheckResult.fail("vector store", "PostgreSQL at " + where + " has no pgvector extension"
                            + " installed", "install pgvector on the server (Debian: postgresql-15-pgvector; on"
                            + " Supabase: Database > Extensions > vector), then CREATE EXTENSION vector");
                }
                boolean mayCreate = "t".equals(single(connection, "SELECT CASE WHEN r.rolsuper OR (v.trusted AND"
                        + " has_database_privilege(current_database(), 'CREATE')) THEN 't' ELSE 'f' END"
                        + " FROM pg_roles r, pg_available_extension_versions v WHERE r.rolname = current_user"
                        + " AND v.name = 'vector' AND v.version = '" + available.replace("'", "''") + "'"));
                if (!mayCreate) {
                    tableResult[0] = CheckResult.skip("vector table", "pgvector is not enabled");
                    return CheckResult.fail("vector store", "pgvector is not enabled in " + where + " and user "
                            + url.user() + " may not enable it", "CREATE EXTENSION vector as a superuser");
                }
                result = CheckResult.ok("vector store", "PostgreSQL at " + where + ", pgvector " + available
                        + " available; run enables it");
            }
            tableResult[0] = table(connection);
            return result;
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String message = firstSentence(e.getMessage());
            if (state.startsWith("28")) {
                return CheckResult.fail("vector store", "PostgreSQL at " + where + " refused user " + url.user()
                        + ": " + message, "check the user and password in DATABASE_URL");
            }
            if (state.equals("3D000")) {
                return CheckResult.fail("vector store", "PostgreSQL at " + where + ": " + message,
                        "create database " + url.database() + " or fix DATABASE_URL");
            }
            if (state.startsWith("08")) {
                return CheckResult.fail("vector store", "cannot connect to PostgreSQL at " + where + ": " + message,
                        "is PostgreSQL running at " + url.host() + ":" + url.port() + "? (DATABASE_URL)");
            }
            return CheckResult.fail("vector store", "PostgreSQL at " + where + ": " + message
                    + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")"), "check DATABASE_URL");
        }
    }

    /** Checks {@code PGVECTOR_TABLE}'s shape and dimension against the model's. */
    private CheckResult table(Connection connection) throws SQLException {
        String table = config.ai().pgvectorTable();
        PgVectorChunkStore.TableShape shape = PgVectorChunkStore.TableShape.read(connection, table);
        Map<String, String> columns = shape.columns();
        int tableDimension = shape.dimension();
        String model = modelDimension == null ? null : Integer.toString(modelDimension);
        if (!shape.exists()) {
            return CheckResult.ok("vector table", table + " does not exist yet: will be created"
                    + (model == null ? "" : " with " + model + " dimensions"));
        }
        if (!shape.isChunkTable()) {
            return CheckResult.fail("vector table", table + " exists but is not a chunk table (columns "
                    + columns.keySet() + ")", "set PGVECTOR_TABLE to another table");
        }
        String dims = tableDimension > 0 ? tableDimension + " dimensions" : "no fixed dimension";
        if (modelDimension == null) {
            return CheckResult.ok("vector table", table + ": " + dims + " (the model's is unknown: see embeddings)");
        }
        if (tableDimension > 0 && tableDimension != modelDimension) {
            return CheckResult.fail("vector table", "PGVECTOR_TABLE " + table + " has " + tableDimension
                    + " dimensions but the model makes " + modelDimension,
                    "use another table (PGVECTOR_TABLE) or the model the table was filled with");
        }
        long rows = -1;
        try (Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('"
                     + table.replace("'", "''") + "')")) {
            if (count.next()) {
                rows = count.getLong(1);
            }
        }
        return CheckResult.ok("vector table", table + ": " + dims + ", matching the model"
                + (rows >= 0 ? "; about " + rows + " chunks" : ""));
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static String firstSentence(String message) {
        if (message == null) {
            return "no message";
        }
        int end = message.indexOf(". ");
        return end < 0 ? message.strip() : message.substring(0, end + 1);
    }

    // --- webhook --------------------------------------------------------------------------------------

    private CheckResult webhook() throws Exception {
        String value = config.variables().get("WEBHOOK_URL");
        if (value == null || value.isBlank()) {
            return CheckResult.skip("webhook", "WEBHOOK_URL not set: each task must name its webhook_url");
        }
        HttpUrl url = HttpUrl.parse(value.strip());
        if (url == null) {
            return CheckResult.fail("webhook", "WEBHOOK_URL is not an http(s) URL", "check WEBHOOK_URL");
        }
        String shown = url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
        Optional<String> refusal;
        try {
            // The notifier's own rules (allowed hosts, link-local and metadata addresses); nothing is sent.
            refusal = config.webhooks().notifierBuilder().build().refusalReason(value);
        } catch (UnknownHostException e) {
            return CheckResult.fail("webhook", shown + ": " + url.host() + " does not resolve",
                    "check WEBHOOK_URL's host name and this machine's DNS");
        }
        if (refusal.isPresent()) {
            String reason = refusal.get().replace("allowedHosts", "WEBHOOK_ALLOWED_HOSTS");
            return CheckResult.fail("webhook", shown + ": " + reason + "; webhooks there are refused",
                    reason.contains("WEBHOOK_ALLOWED_HOSTS") ? "add " + url.host() + " to WEBHOOK_ALLOWED_HOSTS or fix"
                            + " WEBHOOK_URL" : "point WEBHOOK_URL at the frontend's own address");
        }
        return CheckResult.ok("webhook", shown + ": allowed (nothing sent)");
    }

    // --- running ----------------------------------------------------------------------------------------

    /** A hint for an Azure Storage failure. */
    private String azureHint(RuntimeException e) {
        int status = e instanceof QueueWorkerException q ? q.statusCode() : -1;
        if (status == 401 || status == 403) {
            return "check AZURE_STORAGE_CONNECTION_STRING (account and key), or the identity's role with"
                    + " AZURE_STORAGE_ACCOUNT_NAME";
        }
        if (status == 0) {
            String connection = config.azureConnectionString().orElse("").toLowerCase(Locale.ROOT);
            boolean local = connection.contains("usedevelopmentstorage") || connection.contains("127.0.0.1")
                    || connection.contains("localhost");
            return local ? "is Azurite running? start it with ./scripts/setup.sh"
                    : "is Azure Storage reachable from here? check AZURE_STORAGE_CONNECTION_STRING or"
                        + " AZURE_STORAGE_ACCOUNT_NAME";
        }
        return "check AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_CONTAINER_NAME";
    }

    /** A check body that may throw; the hint function explains a failure. */
    private interface Check {
        CheckResult call() throws Exception;
    }

    private CheckResult timed(String name, Duration deadline, Check check,
            java.util.function.Function<RuntimeException, String> hint) {
        Future<CheckResult> future = executor.submit((Callable<CheckResult>) check::call);
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return CheckResult.fail(name, "no answer within " + deadline.toSeconds() + " s",
                    hint.apply(new QueueWorkerException("timed out")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return CheckResult.fail(name, "interrupted", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            RuntimeException failure = cause instanceof RuntimeException r ? r : new RuntimeException(cause);
            String detail = failure instanceof QueueWorkerException ? failure.getMessage() : Errors.describe(cause);
            return CheckResult.fail(name, detail, hint.apply(failure));
        }
    }

    /** Whether a directory can be written, or created where it is missing. */
    private static CheckResult directory(String check, String variable, Path dir) {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return Files.isWritable(absolute)
                    ? CheckResult.ok(check, variable + " " + absolute + " is writable")
                    : CheckResult.fail(check, variable + " " + absolute + " is not writable",
                            "give the worker's user write access, or set " + variable);
        }
        if (Files.exists(absolute)) {
            return CheckResult.fail(check, variable + " " + absolute + " is not a directory", "check " + variable);
        }
        Path parent = absolute.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent != null && Files.isDirectory(parent) && Files.isWritable(parent)) {
            return CheckResult.ok(check, variable + " " + absolute + " does not exist yet: will be created");
        }
        return CheckResult.fail(check, variable + " " + absolute + " cannot be created", "create it for the worker's"
                + " user, or set " + variable);
    }
}
