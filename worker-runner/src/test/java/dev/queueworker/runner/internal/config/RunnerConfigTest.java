package dev.queueworker.runner.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.azure.AzureQueueProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunnerConfigTest {

    static final String AZURITE = "UseDevelopmentStorage=true";
    static final String ACCOUNT_KEY = "c2VjcmV0LWFjY291bnQta2V5LXRoYXQtbXVzdC1uZXZlci1zaG93";
    static final String CONNECTION_STRING = "DefaultEndpointsProtocol=https;AccountName=southhaven;AccountKey="
            + ACCOUNT_KEY + ";EndpointSuffix=core.windows.net";
    static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    static Path dir;

    /** A good value for every variable the daemon reads. */
    private static final String CONSOLE_TOKEN = "console-token-secret-0123456789";

    static Map<String, String> goodValues() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("CLIENT_ID", "southhaven");
        v.put("WORKER_MAX_MESSAGES", "16");
        v.put("WORKER_CONCURRENCY", "8");
        v.put("WORKER_VISIBILITY_TIMEOUT", "60s");
        v.put("WORKER_POLLING_INTERVAL", "5");
        v.put("WORKER_MIN_POLLING_INTERVAL", "100ms");
        v.put("WORKER_MAX_DEQUEUE_COUNT", "3");
        v.put("WORKER_RETRY_BASE_DELAY", "5s");
        v.put("WORKER_RETRY_MAX_DELAY", "1h");
        v.put("WORKER_SHUTDOWN_TIMEOUT", "45s");
        v.put("WORKER_MAX_MESSAGE_BYTES", "32768");
        v.put("WORKER_TASK_TYPES", "ingest, summarize");
        v.put("WORKER_SHARE", "2");
        v.put("WEBHOOK_URL", "https://app.example/internal/notify");
        v.put("WEBHOOK_MAX_ATTEMPTS", "10");
        v.put("WEBHOOK_SECRET", WEBHOOK_SECRET);
        v.put("WEBHOOK_ALLOWED_HOSTS", "app.example, *.example.com");
        v.put("WEBHOOK_CONNECT_TIMEOUT", "3s");
        v.put("WEBHOOK_READ_TIMEOUT", "20s");
        v.put("WEBHOOK_MAX_QUICK_ATTEMPTS", "5");
        v.put("QUEUE_PROVIDER", "azure");
        v.put("AZURE_STORAGE_CONNECTION_STRING", CONNECTION_STRING);
        v.put("AZURE_STORAGE_CONTAINER_NAME", "policies");
        v.put("QUEUE_MESSAGE_ENCODING", "base64");
        v.put("AZURE_STORAGE_MAX_TRIES", "5");
        v.put("AZURE_STORAGE_TRY_TIMEOUT", "20s");
        v.put("DOCUMENT_STORE", "azure");
        v.put("DOCUMENTS_DIR", "docs");
        v.put("BLOB_NAME_TEMPLATE", "{document_set}/{filename}");
        v.put("OPENAI_API_KEY", "sk-proj-secret-openai-key");
        v.put("OPENAI_API_BASE", "https://llm.example/v1");
        v.put("OPENAI_EMBEDDING_MODEL", "text-embedding-3-large");
        v.put("OPENAI_EMBEDDING_DIMENSIONS", "1024");
        v.put("OPENAI_MODEL", "gpt-4o");
        v.put("OPENAI_TIMEOUT", "2m");
        v.put("OPENAI_REQUESTS_PER_MINUTE", "500");
        v.put("OPENAI_TOKENS_PER_MINUTE", "1000000");
        v.put("OPENAI_MAX_WAIT", "5m");
        v.put("OPENAI_TOKENS_PER_DAY", "2000000");
        v.put("OPENAI_OVER_BUDGET", "fail");
        v.put("EMBEDDING_PROVIDER", "openai");
        v.put("EMBEDDING_BATCH_SIZE", "64");
        v.put("CHUNK_SIZE", "400");
        v.put("CHUNK_OVERLAP", "40");
        v.put("INGEST_MAX_BYTES", "1048576");
        v.put("INGEST_MAX_CHARACTERS", "100000");
        v.put("INGEST_PARSE_TIMEOUT", "30s");
        v.put("VECTOR_STORE", "pgvector");
        v.put("DATABASE_URL", "postgresql://worker:db-password-secret@db.example:5432/app");
        v.put("PGVECTOR_TABLE", "chunks");
        v.put("WORKER_DATA_DIR", "/var/lib/queue-worker");
        v.put("SUMMARIZER", "llm");
        v.put("SUMMARIZE_PARALLELISM", "2");
        v.put("SUPABASE_URL", "https://project.supabase.co");
        v.put("SUPABASE_KEY", "supabase-service-role-secret");
        v.put("WORKER_PLUGINS_DIR", dir.toString());
        v.put("WORKER_HTTP_PORT", "9464");
        v.put("WORKER_HTTP_BIND", "0.0.0.0");
        v.put("WORKER_CONSOLE_TOKEN", CONSOLE_TOKEN);
        v.put("WORKER_CONSOLE_READ_ONLY", "true");
        v.put("LOG_FORMAT", "json");
        v.put("LOG_LEVEL", "debug");
        v.put("WORKER_TENANTS_CONCURRENCY", "32");
        return v;
    }

    static RunnerConfig load(Map<String, String> env) {
        return RunnerConfig.load(env, dir, null);
    }

    static RunnerConfig with(String name, String value) {
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_PROVIDER", "azure", "AZURE_STORAGE_CONNECTION_STRING",
                AZURITE));
        env.put(name, value);
        return load(env);
    }

    @Test
    void everyVariableHasAGoodValueHereAndTheyAllLoadTogether() {
        // All but AZURE_STORAGE_ACCOUNT_NAME, the alternative to the connection string (see anAccountName...).
        assertThat(goodValues().keySet()).containsExactlyInAnyOrderElementsOf(RunnerConfig.VARIABLES.stream()
                .filter(v -> !v.equals("AZURE_STORAGE_ACCOUNT_NAME")).toList());
        RunnerConfig c = load(goodValues());
        assertThat(c.workerOptions().clientId()).isEqualTo("southhaven");
        assertThat(c.workerOptions().maxMessages()).isEqualTo(16);
        assertThat(c.workerOptions().concurrency()).isEqualTo(8);
        assertThat(c.workerOptions().visibilityTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.workerOptions().pollingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.workerOptions().minPollingInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.workerOptions().maxDequeueCount()).isEqualTo(3);
        assertThat(c.workerOptions().retryMaxDelay()).isEqualTo(Duration.ofHours(1));
        assertThat(c.workerOptions().shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.workerOptions().maxMessageBytes()).isEqualTo(32768);
        assertThat(c.workerOptions().defaultWebhookUrl()).contains("https://app.example/internal/notify");
        assertThat(c.taskTypes()).containsExactly("ingest", "summarize");
        assertThat(c.queueKind()).isEqualTo(RunnerConfig.QueueKind.AZURE);
        assertThat(c.messageEncoding()).isEqualTo(AzureQueueProvider.MessageEncoding.BASE64);
        assertThat(c.azureMaxTries()).isEqualTo(5);
        assertThat(c.azureTryTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.azureContainerName()).isEqualTo("policies");
        assertThat(c.documentStoreKind()).isEqualTo(RunnerConfig.DocumentStoreKind.AZURE);
        assertThat(c.ai().chunkSize()).isEqualTo(400);
        assertThat(c.ai().openAiRequestsPerMinute()).isEqualTo(500);
        assertThat(c.ai().openAiTokensPerMinute()).isEqualTo(1_000_000L);
        assertThat(c.ai().openAiMaxWait()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.ai().openAiTokensPerDay()).isEqualTo(2_000_000);
        assertThat(c.ai().openAiOverBudget()).isEqualTo(dev.queueworker.ai.TokenBudget.OverBudget.FAIL);
        assertThat(c.ai().pgvectorTable()).isEqualTo("chunks");
        assertThat(c.pluginsDir()).contains(dir);
        assertThat(c.httpPort()).contains(9464);
        assertThat(c.httpBind()).isEqualTo("0.0.0.0");
        assertThat(c.consoleToken()).contains(CONSOLE_TOKEN);
        assertThat(c.consoleReadOnly()).isTrue();
        assertThat(c.logFormat()).isEqualTo(RunnerConfig.LogFormat.JSON);
        assertThat(c.logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void defaultsNeedOnlyAQueue() {
        RunnerConfig c = load(Map.of("AZURE_STORAGE_CONNECTION_STRING", AZURITE));
        assertThat(c.workerOptions().clientId()).isEqualTo("default");
        assertThat(c.workerOptions().maxMessages()).isEqualTo(10);
        assertThat(c.workerOptions().visibilityTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.workerOptions().pollingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.workerOptions().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.queueKind()).isEqualTo(RunnerConfig.QueueKind.AZURE);
        assertThat(c.documentStoreKind()).isEqualTo(RunnerConfig.DocumentStoreKind.AZURE);
        assertThat(c.azureContainerName()).isEqualTo("documents");
        assertThat(c.messageEncoding()).isEqualTo(AzureQueueProvider.MessageEncoding.NONE);
        assertThat(c.httpPort()).isEmpty();
        assertThat(c.pluginsDir()).isEmpty();
        assertThat(c.taskTypes()).isEmpty();
        assertThat(c.logFormat()).isEqualTo(RunnerConfig.LogFormat.TEXT);
        assertThat(c.logLevel()).isEqualTo("INFO");

        RunnerConfig mock = load(Map.of("QUEUE_PROVIDER", "mock"));
        assertThat(mock.documentStoreKind()).isEqualTo(RunnerConfig.DocumentStoreKind.FILESYSTEM);
        assertThat(mock.documentsDir()).isEqualTo(Path.of("documents"));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("CLIENT_ID", "South Haven", "CLIENT_ID: clientId 'South Haven' cannot name an Azure queue"),
                Arguments.of("WORKER_MAX_MESSAGES", "40", "WORKER_MAX_MESSAGES: 'maxMessages' must be between 1 and 32, was 40"),
                Arguments.of("WORKER_MAX_MESSAGES", "ten", "WORKER_MAX_MESSAGES must be a whole number, was 'ten'"),
                Arguments.of("WORKER_CONCURRENCY", "-1", "WORKER_CONCURRENCY: 'concurrency' must be between 0 and 10000"),
                Arguments.of("WORKER_VISIBILITY_TIMEOUT", "soon", "WORKER_VISIBILITY_TIMEOUT must be a duration such as"),
                Arguments.of("WORKER_POLLING_INTERVAL", "0", "WORKER_POLLING_INTERVAL must be longer than zero"),
                Arguments.of("WORKER_MIN_POLLING_INTERVAL", "10m", "WORKER_MIN_POLLING_INTERVAL (PT10M) must not exceed"
                        + " WORKER_POLLING_INTERVAL"),
                Arguments.of("WORKER_MAX_DEQUEUE_COUNT", "0", "WORKER_MAX_DEQUEUE_COUNT: 'maxDequeueCount' must be between 1 and 1000"),
                Arguments.of("WORKER_RETRY_BASE_DELAY", "1 minute", "WORKER_RETRY_BASE_DELAY must be a duration"),
                Arguments.of("WORKER_RETRY_MAX_DELAY", "P30D", "WORKER_RETRY_MAX_DELAY: 'retryMaxDelay' must be between"),
                Arguments.of("WORKER_SHUTDOWN_TIMEOUT", "forever", "WORKER_SHUTDOWN_TIMEOUT must be a duration"),
                Arguments.of("WORKER_MAX_MESSAGE_BYTES", "100", "WORKER_MAX_MESSAGE_BYTES: 'maxMessageBytes' must be between 1024"),
                Arguments.of("WORKER_TASK_TYPES", "ingest,Big Type", "WORKER_TASK_TYPES must list task types"),
                Arguments.of("WEBHOOK_URL", "ftp://app.example/x", "WEBHOOK_URL: 'defaultWebhookUrl' "),
                Arguments.of("WEBHOOK_MAX_ATTEMPTS", "0", "WEBHOOK_MAX_ATTEMPTS: 'webhookMaxAttempts' must be between 1 and 100000"),
                Arguments.of("WEBHOOK_SECRET", "not-a-secret", "WEBHOOK_SECRET must be whsec_ followed by Base64"),
                Arguments.of("WEBHOOK_ALLOWED_HOSTS", "https://app.example/", "WEBHOOK_ALLOWED_HOSTS"),
                Arguments.of("WEBHOOK_CONNECT_TIMEOUT", "-5s", "WEBHOOK_CONNECT_TIMEOUT must be a duration"),
                Arguments.of("WEBHOOK_READ_TIMEOUT", "0ms", "WEBHOOK_READ_TIMEOUT must be longer than zero"),
                Arguments.of("WEBHOOK_MAX_QUICK_ATTEMPTS", "0", "WEBHOOK_MAX_QUICK_ATTEMPTS must be 1 to 100, was 0"),
                Arguments.of("QUEUE_PROVIDER", "sqs", "QUEUE_PROVIDER must be azure or mock, or the name of a plugin's"
                        + " provider in WORKER_PLUGINS_DIR, was 'sqs'"),
                Arguments.of("AZURE_STORAGE_CONNECTION_STRING", "AccountName=x;AccountKey",
                        "AZURE_STORAGE_CONNECTION_STRING must be Key=value pairs"),
                Arguments.of("AZURE_STORAGE_ACCOUNT_NAME", "My_Account", "set one of AZURE_STORAGE_CONNECTION_STRING and"
                        + " AZURE_STORAGE_ACCOUNT_NAME, not both"),
                Arguments.of("AZURE_STORAGE_CONTAINER_NAME", "Docs!", "AZURE_STORAGE_CONTAINER_NAME: 'containerName' must be 3 to 63"),
                Arguments.of("QUEUE_MESSAGE_ENCODING", "hex", "QUEUE_MESSAGE_ENCODING must be none or base64, was 'hex'"),
                Arguments.of("AZURE_STORAGE_MAX_TRIES", "50", "AZURE_STORAGE_MAX_TRIES must be 1 to 20, was 50"),
                Arguments.of("AZURE_STORAGE_TRY_TIMEOUT", "x", "AZURE_STORAGE_TRY_TIMEOUT must be a duration"),
                Arguments.of("DOCUMENT_STORE", "s3", "DOCUMENT_STORE must be azure or filesystem or memory, or the name"
                        + " of a plugin's provider in WORKER_PLUGINS_DIR, was 's3'"),
                Arguments.of("BLOB_NAME_TEMPLATE", "{nope}", "BLOB_NAME_TEMPLATE: 'blobNameTemplate' '{nope}' has an"),
                Arguments.of("OPENAI_API_BASE", "not a url", "OPENAI_API_BASE"),
                Arguments.of("OPENAI_EMBEDDING_DIMENSIONS", "many", "OPENAI_EMBEDDING_DIMENSIONS must be a whole number"),
                Arguments.of("OPENAI_TIMEOUT", "0s", "OPENAI_TIMEOUT must be longer than zero, was '0s'"),
                Arguments.of("OPENAI_REQUESTS_PER_MINUTE", "-1", "OPENAI_REQUESTS_PER_MINUTE must be 0 to 10000000, was -1"),
                Arguments.of("OPENAI_TOKENS_PER_MINUTE", "lots", "OPENAI_TOKENS_PER_MINUTE must be a whole number"),
                Arguments.of("OPENAI_MAX_WAIT", "2h", "OPENAI_MAX_WAIT: 'openAiMaxWait' must be at most 1h"),
                Arguments.of("OPENAI_TOKENS_PER_DAY", "-5", "OPENAI_TOKENS_PER_DAY must be 0 to 10000000000000, was -5"),
                Arguments.of("OPENAI_OVER_BUDGET", "queue", "OPENAI_OVER_BUDGET must be wait or fail, was 'queue'"),
                Arguments.of("EMBEDDING_PROVIDER", "cohere", "EMBEDDING_PROVIDER must be openai or local, was 'cohere'"),
                Arguments.of("EMBEDDING_BATCH_SIZE", "0", "EMBEDDING_BATCH_SIZE must be at least 1, was 0"),
                Arguments.of("CHUNK_SIZE", "big", "CHUNK_SIZE must be a whole number, was 'big'"),
                Arguments.of("CHUNK_OVERLAP", "500", "CHUNK_OVERLAP (500) must be smaller than CHUNK_SIZE"),
                Arguments.of("INGEST_MAX_BYTES", "0", "INGEST_MAX_BYTES must be at least 1, was 0"),
                Arguments.of("INGEST_MAX_CHARACTERS", "-3", "INGEST_MAX_CHARACTERS must be at least 1, was -3"),
                Arguments.of("INGEST_PARSE_TIMEOUT", "later", "INGEST_PARSE_TIMEOUT must be a duration"),
                Arguments.of("VECTOR_STORE", "pgvector", "VECTOR_STORE=pgvector needs DATABASE_URL"),
                Arguments.of("DATABASE_URL", "mysql://u:hunter2@db/x", "DATABASE_URL: 'databaseUrl' must start with"),
                Arguments.of("PGVECTOR_TABLE", "Chunks; drop", "PGVECTOR_TABLE: 'pgvectorTable' must be a lowercase SQL name"),
                Arguments.of("SUMMARIZER", "llm", "SUMMARIZER=llm needs OPENAI_API_KEY"),
                Arguments.of("SUMMARIZE_PARALLELISM", "0", "SUMMARIZE_PARALLELISM must be at least 1, was 0"),
                Arguments.of("SUPABASE_URL", "https://p.supabase.co", "SUPABASE_URL is set but the worker writes to the"
                        + " database directly: set DATABASE_URL"),
                Arguments.of("WORKER_PLUGINS_DIR", "/no/such/plugins", "WORKER_PLUGINS_DIR must be a directory, was"
                        + " '/no/such/plugins'"),
                Arguments.of("WORKER_HTTP_PORT", "70000", "WORKER_HTTP_PORT must be 0 to 65535, was 70000"),
                Arguments.of("LOG_FORMAT", "xml", "LOG_FORMAT must be text or json, was 'xml'"),
                Arguments.of("LOG_LEVEL", "loud", "LOG_LEVEL must be TRACE, DEBUG, INFO, WARN, ERROR or OFF, was 'loud'"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void aBadValueStopsStartUpNamingTheVariable(String name, String value, String message) {
        assertThatThrownBy(() -> with(name, value))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).contains(name.equals("AZURE_STORAGE_ACCOUNT_NAME")
                        ? "AZURE_STORAGE_ACCOUNT_NAME" : name));
    }

    @Test
    void anAccountNameIsTheAlternativeToAConnectionString() {
        RunnerConfig c = load(Map.of("AZURE_STORAGE_ACCOUNT_NAME", "southhaven01"));
        assertThat(c.azureAccountName()).contains("southhaven01");
        assertThat(c.azureConnectionString()).isEmpty();
        assertThat(c.documentStoreKind()).isEqualTo(RunnerConfig.DocumentStoreKind.AZURE);
    }

    @Test
    void anAccountNameIsCheckedOnItsOwn() {
        assertThatThrownBy(() -> load(Map.of("AZURE_STORAGE_ACCOUNT_NAME", "My_Account")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("AZURE_STORAGE_ACCOUNT_NAME: 'accountName' must be 3 to 24 lowercase");
    }

    @Test
    void azureNeedsAnAccountAndSaysHowToGetOne() {
        assertThatThrownBy(() -> load(Map.of()))
                .hasMessageStartingWith("QUEUE_PROVIDER=azure needs AZURE_STORAGE_CONNECTION_STRING")
                .hasMessageContaining("QUEUE_PROVIDER=mock");
        assertThatThrownBy(() -> load(Map.of("QUEUE_PROVIDER", "mock", "DOCUMENT_STORE", "azure")))
                .hasMessageStartingWith("DOCUMENT_STORE=azure needs AZURE_STORAGE_CONNECTION_STRING");
    }

    @Test
    void secretsNeverAppearInErrorsOrInTheEffectiveConfiguration() {
        Map<String, String> secrets = Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", ACCOUNT_KEY,
                "OPENAI_API_KEY", "sk-proj-secret-openai-key",
                "DATABASE_URL", "db-password-secret",
                "WEBHOOK_SECRET", WEBHOOK_SECRET,
                "SUPABASE_KEY", "supabase-service-role-secret",
                "WORKER_CONSOLE_TOKEN", CONSOLE_TOKEN);
        assertThat(secrets.keySet()).containsExactlyInAnyOrderElementsOf(RunnerConfig.SECRETS);
        String described = String.join("\n", load(goodValues()).describe());
        assertThat(described).contains("WORKER_MAX_MESSAGES=16 (environment)", "OPENAI_API_KEY=<set, not shown>",
                "DATABASE_URL=<set, not shown>", "effective queue: azure (southhaven-tasks, encoding base64)");
        secrets.values().forEach(secret -> assertThat(described).doesNotContain(secret));

        // Errors about secret variables say what is wrong without quoting them.
        assertThatThrownBy(() -> with("AZURE_STORAGE_CONNECTION_STRING", "AccountName=a;Key=" + ACCOUNT_KEY))
                .hasMessageNotContaining(ACCOUNT_KEY)
                .hasMessage("AZURE_STORAGE_CONNECTION_STRING has neither AccountKey nor SharedAccessSignature");
        assertThatThrownBy(() -> with("WEBHOOK_SECRET", "whsec_!!" + "hunter2"))
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> with("DATABASE_URL", "postgresql://u:hunter2@db:notaport/x"))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void theEnvironmentWinsOverTheEnvFileAndUnknownNamesAreReported() throws Exception {
        Path work = Files.createDirectories(dir.resolve("precedence"));
        Files.writeString(work.resolve(".env"), """
                QUEUE_PROVIDER=mock
                CLIENT_ID=from-file
                WORKER_MAX_MESSAGES=12
                WORKER_MAX_MESAGES=20
                """);
        RunnerConfig c = RunnerConfig.load(Map.of("CLIENT_ID", "from-env", "WORKER_MAX_MESSAGES", " "), work, null);
        assertThat(c.workerOptions().clientId()).isEqualTo("from-env");
        assertThat(c.workerOptions().maxMessages()).as("a blank environment value leaves the file's").isEqualTo(12);
        assertThat(c.unknownInEnvFile()).containsExactly("WORKER_MAX_MESAGES");
        assertThat(c.describe()).contains("CLIENT_ID=from-env (environment)",
                "WORKER_MAX_MESSAGES=12 (" + work.resolve(".env") + ")");

        Files.writeString(work.resolve("other.env"), "QUEUE_PROVIDER=mock\nCLIENT_ID=from-other\n");
        assertThat(RunnerConfig.load(Map.of(), work, Path.of("other.env")).workerOptions().clientId())
                .as("--env-file replaces ./.env").isEqualTo("from-other");
        assertThatThrownBy(() -> RunnerConfig.load(Map.of(), work, Path.of("missing.env")))
                .hasMessage("--env-file missing.env: no such file");
    }

    @Test
    void theClientOfTheCommandLineIsServedAndNoSettingsFileCanChangeIt() throws Exception {
        Path work = Files.createDirectories(dir.resolve("client"));
        Files.writeString(work.resolve("clients.env"), "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nCLIENT_ID=southhaven\n");

        RunnerConfig unset = RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock"), work, null, "demo");
        assertThat(unset.workerOptions().clientId()).isEqualTo("demo");
        assertThat(unset.describe()).contains("CLIENT_ID=demo (--client)");
        assertThat(RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock", "CLIENT_ID", " demo "), work, null, "demo")
                .workerOptions().clientId()).as("the same client, blanks aside").isEqualTo("demo");
        assertThat(RunnerConfig.load(Map.of("CLIENT_ID", " "), work, Path.of("clients.env"), "southhaven")
                .workerOptions().clientId()).isEqualTo("southhaven");
        assertThat(RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock"), work, Path.of("clients.env"), "southhaven")
                .describe()).as("a value the environment and the file share is the file's")
                .contains("QUEUE_PROVIDER=mock (" + work.resolve("clients.env") + ")");

        assertThatThrownBy(() -> RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock", "CLIENT_ID", "southhaven"), work,
                null, "demo"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("CLIENT_ID is 'southhaven' (the environment) but this worker runs with --client demo, the"
                        + " client it was installed for: remove CLIENT_ID from its settings (under systemd, the unit's"
                        + " EnvironmentFile= files) or set it to 'demo'");
        assertThatThrownBy(() -> RunnerConfig.load(Map.of(), work, Path.of("clients.env"), "demo"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("CLIENT_ID is 'southhaven' (" + work.resolve("clients.env") + ") but");
        assertThatThrownBy(() -> RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock"), work, null, "South_Haven"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--client 'South_Haven': clientId 'South_Haven' cannot name an Azure queue");
        assertThatThrownBy(() -> RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock"), work, null, ""))
                .isInstanceOf(ConfigException.class).hasMessage("--client '': the client is empty");
    }

    @Test
    void aPerClientServiceWhoseContainerIsNotInItsOwnFileNeedsTheClientsFolderInTheTemplate() throws Exception {
        Path work = Files.createDirectories(dir.resolve("per-client"));
        Path own = work.resolve("alpha.env");
        Files.writeString(own, "WEBHOOK_URL=https://alpha.example/hook\n");
        // The shared .env, as systemd passes it: the environment.
        Map<String, String> shared = Map.of("AZURE_STORAGE_CONNECTION_STRING", CONNECTION_STRING,
                "BLOB_NAME_TEMPLATE", "{document_set}/{filename}");

        assertThatThrownBy(() -> RunnerConfig.load(shared, work, Path.of("alpha.env"), "alpha"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("AZURE_STORAGE_CONTAINER_NAME documents (the default) may be shared by other clients, and"
                        + " BLOB_NAME_TEMPLATE {document_set}/{filename} has no {client_id}/ folder, so they could read"
                        + " each other's documents: set AZURE_STORAGE_CONTAINER_NAME in " + own + " to a container of"
                        + " alpha's own, or BLOB_NAME_TEMPLATE={client_id}/{document_set}/{filename} and upload alpha's"
                        + " documents under alpha/");
        Map<String, String> sharedContainer = new HashMap<>(shared);
        sharedContainer.put("AZURE_STORAGE_CONTAINER_NAME", "everyone");
        assertThatThrownBy(() -> RunnerConfig.load(sharedContainer, work, Path.of("alpha.env"), "alpha"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("AZURE_STORAGE_CONTAINER_NAME everyone (set outside " + own + ") may be shared");

        Map<String, String> scoped = new HashMap<>(shared);
        scoped.put("BLOB_NAME_TEMPLATE", "{client_id}/{document_set}/{filename}");
        RunnerConfig c = RunnerConfig.load(scoped, work, Path.of("alpha.env"), "alpha");
        assertThat(c.ai().blobNameTemplate()).isEqualTo("alpha/{document_set}/{filename}");
        assertThat(c.documentFolder()).contains(new ClientFolder("alpha/"));

        Files.writeString(own, "AZURE_STORAGE_CONTAINER_NAME=alpha-documents\n");
        assertThat(RunnerConfig.load(shared, work, Path.of("alpha.env"), "alpha").azureContainerName())
                .as("its own container").isEqualTo("alpha-documents");
        Files.writeString(own, "AZURE_STORAGE_CONNECTION_STRING=" + AZURITE + "\n");
        assertThat(RunnerConfig.load(Map.of("BLOB_NAME_TEMPLATE", "{filename}", "AZURE_STORAGE_CONNECTION_STRING",
                AZURITE), work, Path.of("alpha.env"), "alpha").documentFolder())
                .as("its own account (systemd passes the client's file last: its value wins)").isEmpty();
        assertThat(RunnerConfig.load(shared, work, null, "alpha").azureContainerName())
                .as("without a file of its own, nothing tells shared from own").isEqualTo("documents");
    }

    @Test
    void theClientFolderIsAWholeFolderAfterFixedTextOnly() {
        assertThat(ClientFolder.of("{client_id}/{filename}", "alpha")).contains(new ClientFolder("alpha/"));
        assertThat(ClientFolder.of("uploads/{client_id}/{document_set}/{filename}", "alpha"))
                .contains(new ClientFolder("uploads/alpha/"));
        assertThat(ClientFolder.of("{client_id}-{filename}", "alpha")).as("alpha-x is client alpha-x's too").isEmpty();
        assertThat(ClientFolder.of("{document_set}/{client_id}/{filename}", "alpha")).as("not a fixed folder").isEmpty();
        assertThat(ClientFolder.of("{filename}", "alpha")).isEmpty();
        assertThat(ClientFolder.of(null, "alpha")).isEmpty();
        assertThat(new ClientFolder("alpha/").contains("alpha/x.pdf")).isTrue();
        assertThat(new ClientFolder("alpha/").contains("alpha-x/x.pdf")).isFalse();
    }

    @Test
    void eachClientHasItsOwnDefaultDataDirectory() {
        assertThat(load(Map.of("QUEUE_PROVIDER", "mock", "CLIENT_ID", "alpha")).ai().dataDir())
                .isEqualTo(Path.of("data", "alpha"));
        assertThat(load(Map.of("QUEUE_PROVIDER", "mock")).ai().dataDir()).isEqualTo(Path.of("data", "default"));
        assertThat(load(Map.of("QUEUE_PROVIDER", "mock", "WORKER_DATA_DIR", "/srv/qw")).ai().dataDir())
                .isEqualTo(Path.of("/srv/qw"));
    }

    @Test
    void everyVariableIsListedOnce() {
        assertThat(List.of(RunnerConfig.VARIABLES.toArray())).doesNotHaveDuplicates();
    }

    @Test
    void webhookSettingsAreAValueThatGivesEachCallerItsOwnNotifierBuilder() throws Exception {
        RunnerConfig c = load(Map.of("QUEUE_PROVIDER", "mock", "WEBHOOK_SECRET",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "WEBHOOK_ALLOWED_HOSTS", "app.example, *.hooks.example",
                "WEBHOOK_MAX_QUICK_ATTEMPTS", "2"));

        assertThat(c.webhooks().allowedHosts()).containsExactly("app.example", "*.hooks.example");
        assertThat(c.webhooks().maxQuickAttempts()).isEqualTo(2);
        assertThat(c.webhooks().notifierBuilder()).isNotSameAs(c.webhooks().notifierBuilder());
        assertThat(c.webhooks().notifierBuilder().build().refusalReason("https://other.example/x")).isPresent();
        assertThat(c.webhooks().toString()).doesNotContain("MfKQ9r8G");
    }
}
