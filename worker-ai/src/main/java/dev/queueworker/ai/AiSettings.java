package dev.queueworker.ai;

import dev.queueworker.ai.internal.store.DatabaseUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The settings of the {@code ingest} and {@code summarize} handlers: which embedding model, vector
 * store and summarizer, and the limits of a document. Immutable; build one with {@link #builder()}.
 * Every setting is checked when it is set, and errors name the builder's option (the daemon's
 * reader names the environment variable that set it). {@link #toString()} never shows a secret.
 *
 * <p>The defaults need no external service: the in-process all-MiniLM-L6-v2 embedding model, a
 * vector store in a file under {@link Builder#dataDir(Path)}, and an extractive summarizer.
 * Setting {@link Builder#openAiApiKey(String)} switches embeddings and summaries to the
 * OpenAI-compatible API, and {@link Builder#databaseUrl(String)} the store to pgvector.
 */
public final class AiSettings {

    /** Where embeddings come from: {@code embeddingProvider}. */
    public enum EmbeddingProvider {
        /** {@code OpenAiEmbeddingModel} against {@code openAiApiBase}. */
        OPENAI,
        /** The in-process quantized all-MiniLM-L6-v2 (384 dimensions, no network). */
        LOCAL
    }

    /** Where chunks are stored: {@code vectorStore}. */
    public enum VectorStore {
        /** PostgreSQL with pgvector at {@code databaseUrl}. */
        PGVECTOR,
        /** In memory, persisted to a file under {@code dataDir}. */
        MEMORY
    }

    /** How summaries are made: {@code summarizer}. */
    public enum Summarizer {
        /** {@code openAiModel} through the chat completions API. */
        LLM,
        /** Ranked sentences of the document itself (TextRank); no model. */
        EXTRACTIVE
    }

    public static final String DEFAULT_OPENAI_API_BASE = "https://api.openai.com/v1";
    public static final String DEFAULT_OPENAI_EMBEDDING_MODEL = "text-embedding-3-small";
    public static final String DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
    public static final String DEFAULT_PGVECTOR_TABLE = "document_chunks";
    /** Chunks for all-MiniLM-L6-v2, which reads at most 128 tokens including two special ones. */
    public static final int LOCAL_CHUNK_SIZE = 110;
    public static final int LOCAL_CHUNK_OVERLAP = 20;
    public static final int OPENAI_CHUNK_SIZE = 500;
    public static final int OPENAI_CHUNK_OVERLAP = 50;

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String clientId;
    private final EmbeddingProvider embeddingProvider;
    private final String openAiApiKey;
    private final String openAiApiBase;
    private final String openAiEmbeddingModel;
    private final Integer openAiEmbeddingDimensions;
    private final String openAiModel;
    private final Duration openAiTimeout;
    private final int openAiRequestsPerMinute;
    private final long openAiTokensPerMinute;
    private final Duration openAiMaxWait;
    private final long openAiTokensPerDay;
    private final TokenBudget.OverBudget openAiOverBudget;
    private final Summarizer summarizer;
    private final Integer chunkSize;
    private final Integer chunkOverlap;
    private final int embeddingBatchSize;
    private final long maxBytes;
    private final int maxCharacters;
    private final Duration parseTimeout;
    private final VectorStore vectorStore;
    private final String databaseUrl;
    private final String pgvectorTable;
    private final Path dataDir;
    private final String blobNameTemplate;
    private final int summarizeParallelism;

    private AiSettings(Builder b) {
        this.clientId = b.clientId;
        this.openAiApiKey = b.openAiApiKey;
        this.embeddingProvider = b.embeddingProvider != null ? b.embeddingProvider
                : b.openAiApiKey != null ? EmbeddingProvider.OPENAI : EmbeddingProvider.LOCAL;
        this.openAiApiBase = b.openAiApiBase;
        this.openAiEmbeddingModel = b.openAiEmbeddingModel;
        this.openAiEmbeddingDimensions = b.openAiEmbeddingDimensions;
        this.openAiModel = b.openAiModel;
        this.openAiTimeout = b.openAiTimeout;
        this.openAiRequestsPerMinute = b.openAiRequestsPerMinute;
        this.openAiTokensPerMinute = b.openAiTokensPerMinute;
        this.openAiMaxWait = b.openAiMaxWait;
        this.openAiTokensPerDay = b.openAiTokensPerDay;
        this.openAiOverBudget = b.openAiOverBudget;
        this.summarizer = b.summarizer != null ? b.summarizer
                : b.openAiApiKey != null ? Summarizer.LLM : Summarizer.EXTRACTIVE;
        this.chunkSize = b.chunkSize;
        this.chunkOverlap = b.chunkOverlap;
        this.embeddingBatchSize = b.embeddingBatchSize;
        this.maxBytes = b.maxBytes;
        this.maxCharacters = b.maxCharacters;
        this.parseTimeout = b.parseTimeout;
        this.databaseUrl = b.databaseUrl;
        this.vectorStore = b.vectorStore != null ? b.vectorStore
                : b.databaseUrl != null ? VectorStore.PGVECTOR : VectorStore.MEMORY;
        this.pgvectorTable = b.pgvectorTable;
        this.dataDir = b.dataDir;
        this.blobNameTemplate = b.blobNameTemplate;
        this.summarizeParallelism = b.summarizeParallelism;
        if (embeddingProvider == EmbeddingProvider.OPENAI && openAiApiKey == null) {
            throw new IllegalStateException("'embeddingProvider' OPENAI needs 'openAiApiKey'");
        }
        if (summarizer == Summarizer.LLM && openAiApiKey == null) {
            throw new IllegalStateException("'summarizer' LLM needs 'openAiApiKey'");
        }
        if (vectorStore == VectorStore.PGVECTOR && databaseUrl == null) {
            throw new IllegalStateException("'vectorStore' PGVECTOR needs 'databaseUrl'");
        }
        if (chunkOverlap() >= chunkSize()) {
            throw new IllegalStateException("'chunkOverlap' (" + chunkOverlap() + ") must be smaller than 'chunkSize' ("
                    + chunkSize() + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code clientId}: part of every chunk id, so tenants sharing a table never collide. */
    public String clientId() {
        return clientId;
    }

    public EmbeddingProvider embeddingProvider() {
        return embeddingProvider;
    }

    /** {@code openAiApiKey}; a secret. */
    public Optional<String> openAiApiKey() {
        return Optional.ofNullable(openAiApiKey);
    }

    public String openAiApiBase() {
        return openAiApiBase;
    }

    public String openAiEmbeddingModel() {
        return openAiEmbeddingModel;
    }

    public OptionalInt openAiEmbeddingDimensions() {
        return openAiEmbeddingDimensions == null ? OptionalInt.empty() : OptionalInt.of(openAiEmbeddingDimensions);
    }

    public String openAiModel() {
        return openAiModel;
    }

    public Duration openAiTimeout() {
        return openAiTimeout;
    }

    /**
     * {@code openAiRequestsPerMinute}: the requests per minute the API key may make, shared by every
     * call of the process on the same key and base URL; 0 (the default) learns it from the API's
     * {@code x-ratelimit-limit-requests} header.
     */
    public int openAiRequestsPerMinute() {
        return openAiRequestsPerMinute;
    }

    /** {@code openAiTokensPerMinute}: as {@link #openAiRequestsPerMinute()}, for tokens ({@code x-ratelimit-limit-tokens}). */
    public long openAiTokensPerMinute() {
        return openAiTokensPerMinute;
    }

    /**
     * {@code openAiMaxWait}: the longest one API call waits for its key's rate limit, before it is
     * sent and after 429s, in all; then it fails as retryable (429) and the task is retried later.
     * Default 2 minutes.
     */
    public Duration openAiMaxWait() {
        return openAiMaxWait;
    }

    /**
     * {@code openAiTokensPerDay}: the client's model tokens per UTC day, counted in the pgvector
     * database when chunks are stored there, else in {@code dataDir} by each process (see
     * {@link TokenBudget#daily}); 0 (the default) for no daily budget.
     */
    public long openAiTokensPerDay() {
        return openAiTokensPerDay;
    }

    /** {@code openAiOverBudget}: what a task that would call the model does once the day is spent; default WAIT. */
    public TokenBudget.OverBudget openAiOverBudget() {
        return openAiOverBudget;
    }

    public Summarizer summarizer() {
        return summarizer;
    }

    /** {@code chunkSize} in tokens of the embedding model; by default 110 (local) or 500 (OpenAI). */
    public int chunkSize() {
        return chunkSize != null ? chunkSize
                : embeddingProvider == EmbeddingProvider.LOCAL ? LOCAL_CHUNK_SIZE : OPENAI_CHUNK_SIZE;
    }

    /** {@code chunkOverlap} in tokens; by default 20 (local) or 50 (OpenAI). */
    public int chunkOverlap() {
        return chunkOverlap != null ? chunkOverlap
                : embeddingProvider == EmbeddingProvider.LOCAL ? LOCAL_CHUNK_OVERLAP : OPENAI_CHUNK_OVERLAP;
    }

    public int embeddingBatchSize() {
        return embeddingBatchSize;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int maxCharacters() {
        return maxCharacters;
    }

    public Duration parseTimeout() {
        return parseTimeout;
    }

    public VectorStore vectorStore() {
        return vectorStore;
    }

    /** {@code databaseUrl}; may hold a password. */
    public Optional<String> databaseUrl() {
        return Optional.ofNullable(databaseUrl);
    }

    public String pgvectorTable() {
        return pgvectorTable;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The blob name template (see {@link dev.queueworker.api.DocumentNames}); null for the default {@code {filename}}. */
    public String blobNameTemplate() {
        return blobNameTemplate;
    }

    public int summarizeParallelism() {
        return summarizeParallelism;
    }

    /** The settings with secrets replaced by {@code ***}. */
    @Override
    public String toString() {
        return "AiSettings[clientId=" + clientId + ", embeddingProvider=" + embeddingProvider
                + ", openAiApiKey=" + (openAiApiKey == null ? "unset" : "***") + ", openAiApiBase=" + openAiApiBase
                + ", openAiEmbeddingModel=" + openAiEmbeddingModel + ", openAiEmbeddingDimensions="
                + openAiEmbeddingDimensions + ", openAiModel=" + openAiModel + ", openAiRequestsPerMinute="
                + openAiRequestsPerMinute + ", openAiTokensPerMinute=" + openAiTokensPerMinute + ", openAiMaxWait="
                + openAiMaxWait + ", openAiTokensPerDay=" + openAiTokensPerDay + ", openAiOverBudget="
                + openAiOverBudget + ", summarizer=" + summarizer
                + ", chunkSize=" + chunkSize() + ", chunkOverlap=" + chunkOverlap() + ", embeddingBatchSize="
                + embeddingBatchSize + ", maxBytes=" + maxBytes + ", maxCharacters=" + maxCharacters
                + ", parseTimeout=" + parseTimeout + ", vectorStore=" + vectorStore + ", databaseUrl="
                + (databaseUrl == null ? "unset" : "***") + ", pgvectorTable=" + pgvectorTable + ", dataDir="
                + dataDir + "]";
    }

    private static int positive(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(name + " must be 1 to " + max + ", was " + value);
        }
        return value;
    }

    private static Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    private static String notBlank(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value.trim();
    }

    /** Builds {@link AiSettings}; each setter checks its value and names its option. */
    public static final class Builder {
        private String clientId = "default";
        private EmbeddingProvider embeddingProvider;
        private String openAiApiKey;
        private String openAiApiBase = DEFAULT_OPENAI_API_BASE;
        private String openAiEmbeddingModel = DEFAULT_OPENAI_EMBEDDING_MODEL;
        private Integer openAiEmbeddingDimensions;
        private String openAiModel = DEFAULT_OPENAI_MODEL;
        private Duration openAiTimeout = Duration.ofSeconds(60);
        private int openAiRequestsPerMinute;
        private long openAiTokensPerMinute;
        private Duration openAiMaxWait = Duration.ofMinutes(2);
        private long openAiTokensPerDay;
        private TokenBudget.OverBudget openAiOverBudget = TokenBudget.OverBudget.WAIT;
        private Summarizer summarizer;
        private Integer chunkSize;
        private Integer chunkOverlap;
        private int embeddingBatchSize = 32;
        private long maxBytes = 100L * 1024 * 1024;
        private int maxCharacters = 5_000_000;
        private Duration parseTimeout = Duration.ofMinutes(2);
        private VectorStore vectorStore;
        private String databaseUrl;
        private String pgvectorTable = DEFAULT_PGVECTOR_TABLE;
        private Path dataDir = Path.of("data");
        private String blobNameTemplate;
        private int summarizeParallelism = 4;

        private Builder() {
        }

        public Builder clientId(String clientId) {
            this.clientId = notBlank("'clientId'", clientId);
            return this;
        }

        public Builder embeddingProvider(EmbeddingProvider provider) {
            this.embeddingProvider = Objects.requireNonNull(provider, "'embeddingProvider'");
            return this;
        }

        public Builder openAiApiKey(String key) {
            this.openAiApiKey = notBlank("'openAiApiKey'", key);
            return this;
        }

        /** {@code openAiApiBase}: an http(s) URL ending before {@code /embeddings}, such as {@code https://api.openai.com/v1}. */
        public Builder openAiApiBase(String base) {
            String b = notBlank("'openAiApiBase'", base);
            if (!b.startsWith("https://") && !b.startsWith("http://")) {
                throw new IllegalArgumentException("'openAiApiBase' must be an http(s) URL such as "
                        + DEFAULT_OPENAI_API_BASE + ", was '" + b + "'");
            }
            this.openAiApiBase = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
            return this;
        }

        public Builder openAiEmbeddingModel(String model) {
            this.openAiEmbeddingModel = notBlank("'openAiEmbeddingModel'", model);
            return this;
        }

        public Builder openAiEmbeddingDimensions(int dimensions) {
            this.openAiEmbeddingDimensions = positive("'openAiEmbeddingDimensions'", dimensions, 16_000);
            return this;
        }

        public Builder openAiModel(String model) {
            this.openAiModel = notBlank("'openAiModel'", model);
            return this;
        }

        public Builder openAiTimeout(Duration timeout) {
            this.openAiTimeout = positive("'openAiTimeout'", timeout);
            return this;
        }

        /** {@code openAiRequestsPerMinute}: 0 (learn from the API) to 10,000,000. */
        public Builder openAiRequestsPerMinute(int requests) {
            if (requests < 0 || requests > 10_000_000) {
                throw new IllegalArgumentException("'openAiRequestsPerMinute' must be 0 (learn it from the API) to"
                        + " 10000000, was " + requests);
            }
            this.openAiRequestsPerMinute = requests;
            return this;
        }

        /** {@code openAiTokensPerMinute}: 0 (learn from the API) to 10,000,000,000. */
        public Builder openAiTokensPerMinute(long tokens) {
            if (tokens < 0 || tokens > 10_000_000_000L) {
                throw new IllegalArgumentException("'openAiTokensPerMinute' must be 0 (learn it from the API) to"
                        + " 10000000000, was " + tokens);
            }
            this.openAiTokensPerMinute = tokens;
            return this;
        }

        /** {@code openAiMaxWait}: positive, at most an hour. */
        public Builder openAiMaxWait(Duration wait) {
            positive("'openAiMaxWait'", wait);
            if (wait.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("'openAiMaxWait' must be at most 1h, was " + wait);
            }
            this.openAiMaxWait = wait;
            return this;
        }

        /** {@code openAiTokensPerDay}: 0 (no daily budget) to 10,000,000,000,000. */
        public Builder openAiTokensPerDay(long tokens) {
            if (tokens < 0 || tokens > 10_000_000_000_000L) {
                throw new IllegalArgumentException("'openAiTokensPerDay' must be 0 (no daily budget) to"
                        + " 10000000000000, was " + tokens);
            }
            this.openAiTokensPerDay = tokens;
            return this;
        }

        /** {@code openAiOverBudget}: WAIT (default) or FAIL. */
        public Builder openAiOverBudget(TokenBudget.OverBudget overBudget) {
            this.openAiOverBudget = Objects.requireNonNull(overBudget, "'openAiOverBudget'");
            return this;
        }

        public Builder summarizer(Summarizer summarizer) {
            this.summarizer = Objects.requireNonNull(summarizer, "'summarizer'");
            return this;
        }

        public Builder chunkSize(int tokens) {
            this.chunkSize = positive("'chunkSize'", tokens, 8_000);
            return this;
        }

        public Builder chunkOverlap(int tokens) {
            if (tokens < 0 || tokens > 4_000) {
                throw new IllegalArgumentException("'chunkOverlap' must be 0 to 4000, was " + tokens);
            }
            this.chunkOverlap = tokens;
            return this;
        }

        public Builder embeddingBatchSize(int size) {
            this.embeddingBatchSize = positive("'embeddingBatchSize'", size, 2_048);
            return this;
        }

        public Builder maxBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("'maxBytes' must be positive, was " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        public Builder maxCharacters(int characters) {
            this.maxCharacters = positive("'maxCharacters'", characters, Integer.MAX_VALUE);
            return this;
        }

        public Builder parseTimeout(Duration timeout) {
            this.parseTimeout = positive("'parseTimeout'", timeout);
            return this;
        }

        public Builder vectorStore(VectorStore store) {
            this.vectorStore = Objects.requireNonNull(store, "'vectorStore'");
            return this;
        }

        /** {@code databaseUrl}: {@code postgresql://user:pass@host:port/db} or a {@code jdbc:postgresql:} URL. */
        public Builder databaseUrl(String url) {
            String u = notBlank("'databaseUrl'", url);
            DatabaseUrl.parse(u); // the whole check now, so a bad URL stops start-up before anything connects
            this.databaseUrl = u;
            return this;
        }

        public Builder pgvectorTable(String table) {
            String t = notBlank("'pgvectorTable'", table);
            if (!TABLE.matcher(t).matches()) {
                throw new IllegalArgumentException("'pgvectorTable' must be a lowercase SQL name (letters, digits,"
                        + " underscores; at most 63), was '" + t + "'");
            }
            this.pgvectorTable = t;
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "'dataDir'");
            return this;
        }

        public Builder blobNameTemplate(String template) {
            this.blobNameTemplate = dev.queueworker.api.DocumentNames.checkTemplate(template);
            return this;
        }

        public Builder summarizeParallelism(int threads) {
            this.summarizeParallelism = positive("'summarizeParallelism'", threads, 64);
            return this;
        }

        /** @throws IllegalStateException when settings contradict each other, naming the options */
        public AiSettings build() {
            return new AiSettings(this);
        }
    }
}
