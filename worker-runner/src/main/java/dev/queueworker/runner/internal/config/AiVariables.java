package dev.queueworker.runner.internal.config;

import static dev.queueworker.runner.internal.config.EnvironmentVariables.option;
import static dev.queueworker.runner.internal.config.EnvironmentVariables.secretOption;

import dev.queueworker.ai.AiSettings;
import dev.queueworker.ai.TokenBudget;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code ingest} and {@code summarize} handlers' variables read into {@link AiSettings}. The
 * combinations the settings refuse are checked here first, so that the message names the variables.
 */
public final class AiVariables {

    private AiVariables() {
    }

    /** The variable that sets each AiSettings option a probe's result may name ({@code ProbeResult#render}). */
    private static final Map<String, String> OPTION_VARIABLES = Map.ofEntries(
            Map.entry("databaseUrl", "DATABASE_URL"),
            Map.entry("pgvectorTable", "PGVECTOR_TABLE"),
            Map.entry("dataDir", "WORKER_DATA_DIR"),
            Map.entry("openAiApiKey", "OPENAI_API_KEY"),
            Map.entry("openAiApiBase", "OPENAI_API_BASE"),
            Map.entry("openAiEmbeddingModel", "OPENAI_EMBEDDING_MODEL"),
            Map.entry("openAiModel", "OPENAI_MODEL"),
            Map.entry("openAiEmbeddingDimensions", "OPENAI_EMBEDDING_DIMENSIONS"),
            Map.entry("openAiRequestsPerMinute", "OPENAI_REQUESTS_PER_MINUTE"),
            Map.entry("openAiTokensPerMinute", "OPENAI_TOKENS_PER_MINUTE"),
            Map.entry("openAiMaxWait", "OPENAI_MAX_WAIT"),
            Map.entry("openAiTokensPerDay", "OPENAI_TOKENS_PER_DAY"),
            Map.entry("openAiOverBudget", "OPENAI_OVER_BUDGET"),
            Map.entry("summarizer", "SUMMARIZER"));

    /** The variable that sets the AiSettings option {@code option}, or the option's own name when none does. */
    public static String variableOf(String option) {
        return OPTION_VARIABLES.getOrDefault(option, option);
    }

    /** The client of an unset CLIENT_ID (the engine's default). */
    private static final String DEFAULT_CLIENT = "default";

    /** The directory the old default WORKER_DATA_DIR named, before each client had its own. */
    public static final Path OLD_DEFAULT_DATA_DIR = Path.of("data");

    /**
     * WORKER_DATA_DIR when unset: {@code data/<client>}, relative to the working directory, so that
     * two clients started in one directory never share their data files.
     */
    public static Path defaultDataDir(String client) {
        return OLD_DEFAULT_DATA_DIR.resolve(client);
    }

    /** Whether {@code name} is a built-in VECTOR_STORE: pgvector or memory. */
    static boolean builtInStore(String name) {
        for (AiSettings.VectorStore store : AiSettings.VectorStore.values()) {
            if (store.name().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** @throws ConfigException naming the variable at fault, never quoting a secret */
    public static AiSettings read(Map<String, String> variables) {
        return read(EnvironmentVariables.of(variables));
    }

    static AiSettings read(EnvironmentVariables env) {
        AiSettings.Builder b = AiSettings.builder();
        env.string("CLIENT_ID").ifPresent(v -> option("CLIENT_ID", () -> b.clientId(v)));
        boolean apiKey = env.string("OPENAI_API_KEY").isPresent();
        env.string("OPENAI_API_KEY").ifPresent(v -> secretOption("OPENAI_API_KEY", () -> b.openAiApiKey(v),
                "the API key"));
        env.choice("EMBEDDING_PROVIDER", AiSettings.EmbeddingProvider.class).ifPresent(v -> {
            if (v == AiSettings.EmbeddingProvider.OPENAI && !apiKey) {
                throw new ConfigException("EMBEDDING_PROVIDER=openai needs OPENAI_API_KEY");
            }
            b.embeddingProvider(v);
        });
        env.string("OPENAI_API_BASE").ifPresent(v -> option("OPENAI_API_BASE", () -> b.openAiApiBase(v)));
        env.string("OPENAI_EMBEDDING_MODEL")
                .ifPresent(v -> option("OPENAI_EMBEDDING_MODEL", () -> b.openAiEmbeddingModel(v)));
        env.integer("OPENAI_EMBEDDING_DIMENSIONS", 1, Integer.MAX_VALUE)
                .ifPresent(v -> option("OPENAI_EMBEDDING_DIMENSIONS", () -> b.openAiEmbeddingDimensions(v)));
        env.string("OPENAI_MODEL").ifPresent(v -> option("OPENAI_MODEL", () -> b.openAiModel(v)));
        env.duration("OPENAI_TIMEOUT").ifPresent(v -> option("OPENAI_TIMEOUT", () -> b.openAiTimeout(v)));
        env.integer("OPENAI_REQUESTS_PER_MINUTE", 0, 10_000_000)
                .ifPresent(v -> option("OPENAI_REQUESTS_PER_MINUTE", () -> b.openAiRequestsPerMinute(v)));
        env.longValue("OPENAI_TOKENS_PER_MINUTE", 0, 10_000_000_000L)
                .ifPresent(v -> option("OPENAI_TOKENS_PER_MINUTE", () -> b.openAiTokensPerMinute(v)));
        env.duration("OPENAI_MAX_WAIT").ifPresent(v -> option("OPENAI_MAX_WAIT", () -> b.openAiMaxWait(v)));
        env.longValue("OPENAI_TOKENS_PER_DAY", 0, 10_000_000_000_000L)
                .ifPresent(v -> option("OPENAI_TOKENS_PER_DAY", () -> b.openAiTokensPerDay(v)));
        env.choice("OPENAI_OVER_BUDGET", TokenBudget.OverBudget.class).ifPresent(b::openAiOverBudget);
        env.choice("SUMMARIZER", AiSettings.Summarizer.class).ifPresent(v -> {
            if (v == AiSettings.Summarizer.LLM && !apiKey) {
                throw new ConfigException("SUMMARIZER=llm needs OPENAI_API_KEY");
            }
            b.summarizer(v);
        });
        env.integer("CHUNK_SIZE", 1, Integer.MAX_VALUE).ifPresent(v -> option("CHUNK_SIZE", () -> b.chunkSize(v)));
        env.integer("CHUNK_OVERLAP", 0, Integer.MAX_VALUE)
                .ifPresent(v -> option("CHUNK_OVERLAP", () -> b.chunkOverlap(v)));
        env.integer("EMBEDDING_BATCH_SIZE", 1, Integer.MAX_VALUE)
                .ifPresent(v -> option("EMBEDDING_BATCH_SIZE", () -> b.embeddingBatchSize(v)));
        env.longValue("INGEST_MAX_BYTES", 1, Long.MAX_VALUE).ifPresent(v -> option("INGEST_MAX_BYTES", () -> b.maxBytes(v)));
        env.integer("INGEST_MAX_CHARACTERS", 1, Integer.MAX_VALUE)
                .ifPresent(v -> option("INGEST_MAX_CHARACTERS", () -> b.maxCharacters(v)));
        env.duration("INGEST_PARSE_TIMEOUT").ifPresent(v -> option("INGEST_PARSE_TIMEOUT", () -> b.parseTimeout(v)));
        boolean database = env.string("DATABASE_URL").isPresent();
        // Another name is a plugin's chunk store, which RunnerConfig resolves.
        env.string("VECTOR_STORE").filter(AiVariables::builtInStore).flatMap(v ->
                env.choice("VECTOR_STORE", AiSettings.VectorStore.class)).ifPresent(v -> {
            if (v == AiSettings.VectorStore.PGVECTOR && !database) {
                throw new ConfigException("VECTOR_STORE=pgvector needs DATABASE_URL");
            }
            b.vectorStore(v);
        });
        if (env.string("SUPABASE_URL").isPresent() && !database) {
            throw new ConfigException("SUPABASE_URL is set but the worker writes to the database directly: set"
                    + " DATABASE_URL to the project's connection string (session pooler or direct, see docs/supabase.md)");
        }
        // The database URL's own message names what is wrong without echoing the URL (it holds a password).
        env.string("DATABASE_URL").ifPresent(v -> option("DATABASE_URL", () -> b.databaseUrl(v)));
        env.string("PGVECTOR_TABLE").ifPresent(v -> option("PGVECTOR_TABLE", () -> b.pgvectorTable(v)));
        String client = env.string("CLIENT_ID").orElse(DEFAULT_CLIENT);
        Path dataDir = env.string("WORKER_DATA_DIR").map(Path::of).orElse(defaultDataDir(client));
        option("WORKER_DATA_DIR", () -> b.dataDir(dataDir));
        env.string("BLOB_NAME_TEMPLATE").ifPresent(v -> option("BLOB_NAME_TEMPLATE",
                () -> b.blobNameTemplate(ClientFolder.fill(v, client))));
        env.integer("SUMMARIZE_PARALLELISM", 1, Integer.MAX_VALUE)
                .ifPresent(v -> option("SUMMARIZE_PARALLELISM", () -> b.summarizeParallelism(v)));
        boolean local = env.choice("EMBEDDING_PROVIDER", AiSettings.EmbeddingProvider.class)
                .map(p -> p == AiSettings.EmbeddingProvider.LOCAL).orElse(!apiKey);
        int chunkSize = env.integer("CHUNK_SIZE", 1, Integer.MAX_VALUE)
                .orElse(local ? AiSettings.LOCAL_CHUNK_SIZE : AiSettings.OPENAI_CHUNK_SIZE);
        int chunkOverlap = env.integer("CHUNK_OVERLAP", 0, Integer.MAX_VALUE)
                .orElse(local ? AiSettings.LOCAL_CHUNK_OVERLAP : AiSettings.OPENAI_CHUNK_OVERLAP);
        if (chunkOverlap >= chunkSize) {
            throw new ConfigException("CHUNK_OVERLAP (" + chunkOverlap + ") must be smaller than CHUNK_SIZE ("
                    + chunkSize + ")");
        }
        return b.build();
    }
}
