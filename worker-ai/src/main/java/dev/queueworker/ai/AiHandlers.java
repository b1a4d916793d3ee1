package dev.queueworker.ai;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.queueworker.ai.internal.Embeddings;
import dev.queueworker.ai.internal.budget.ApiBudgets;
import dev.queueworker.ai.internal.budget.DailyTokenBudget;
import dev.queueworker.ai.internal.store.PgVectorChunkStore;
import dev.queueworker.api.TaskHandler;
import java.time.Clock;
import java.util.List;

/**
 * The built-in {@code ingest} and {@code summarize} handlers, wired from {@link AiSettings}: the
 * embedding model, the chunk store (pgvector or a file), the summarizer and Apache Tika. Create one
 * per process, register {@link #handlers()} with the worker, and close it after the worker.
 *
 * <pre>{@code
 * AiSettings settings = AiSettings.builder().openAiApiKey(apiKey).databaseUrl(databaseUrl).build();
 * try (AiHandlers ai = AiHandlers.create(settings);
 *      Worker worker = Worker.builder().queue(queue).documents(documents).handlers(ai.handlers())
 *              .build().start()) {
 *     ...
 * }
 * }</pre>
 */
public final class AiHandlers implements AutoCloseable {
    private final Embeddings embeddings;
    private final ChunkStore store;
    private final String clientId;
    private final IngestHandler ingest;
    private final SummarizeHandler summarize;

    private AiHandlers(AiSettings settings, Embeddings embeddings, ChunkStore store) {
        this.embeddings = embeddings;
        this.store = store;
        this.clientId = settings.clientId();
        TokenBudget budget = dailyBudget(settings, store);
        TikaParser parser = TikaParser.builder().maxBytes(settings.maxBytes()).maxCharacters(settings.maxCharacters())
                .parseTimeout(settings.parseTimeout()).build();
        this.ingest = IngestHandler.builder().clientId(settings.clientId()).blobNameTemplate(settings.blobNameTemplate())
                .documentParser(parser).embeddingModel(embeddings.model()).embeddingModelName(embeddings.name())
                .dimension(embeddings.dimension()).embeddingBatchSize(settings.embeddingBatchSize())
                .split(settings.chunkSize(), settings.chunkOverlap(), embeddings.tokens()).chunkStore(store)
                // the in-process model calls no API: only OpenAI's embeddings count against the day
                .tokenBudget(settings.embeddingProvider() == AiSettings.EmbeddingProvider.OPENAI
                        ? budget : TokenBudget.UNLIMITED)
                .build();
        SummarizeHandler.Builder summarizer = SummarizeHandler.builder().blobNameTemplate(settings.blobNameTemplate())
                .documentParser(parser);
        if (settings.summarizer() == AiSettings.Summarizer.LLM) {
            summarizer.chatModel(OpenAiChatModel.builder()
                    .baseUrl(settings.openAiApiBase())
                    .apiKey(settings.openAiApiKey().orElseThrow())
                    .modelName(settings.openAiModel())
                    .timeout(settings.openAiTimeout())
                    .httpClientBuilder(ApiBudgets.httpClientBuilder(settings)) // the key's budget, shared
                    .maxRetries(1)
                    .build())
                    .chatModelName(settings.openAiModel()).parallelism(settings.summarizeParallelism())
                    .tokenBudget(budget);
        }
        this.summarize = summarizer.build();
    }

    /**
     * The client's tokens per day, when set: counted in the pgvector store's database, shared by the
     * client's workers on it, or else in {@code dataDir}, by this process alone.
     */
    private static TokenBudget dailyBudget(AiSettings settings, ChunkStore store) {
        if (settings.openAiTokensPerDay() == 0) {
            return TokenBudget.UNLIMITED;
        }
        if (store instanceof PgVectorChunkStore pgvector) {
            return new DailyTokenBudget(settings.clientId(), settings.openAiTokensPerDay(), settings.openAiOverBudget(),
                    pgvector.tokenLedger(settings.clientId()), Clock.systemUTC(), Math::random);
        }
        return TokenBudget.daily(settings.clientId(), settings.openAiTokensPerDay(), settings.openAiOverBudget(),
                settings.dataDir());
    }

    /**
     * Builds the handlers. With pgvector this connects to the database, creates the table when it is
     * missing, and checks its dimension against the embedding model's.
     *
     * @throws IllegalStateException when the table's dimension differs from the model's (nothing is written)
     * @throws dev.queueworker.api.RetryableException when the database cannot be reached
     */
    public static AiHandlers create(AiSettings settings) {
        return create(settings, dimension -> settings.vectorStore() == AiSettings.VectorStore.PGVECTOR
                ? ChunkStores.pgvector(settings.databaseUrl().orElseThrow(), settings.pgvectorTable(), dimension)
                : ChunkStores.file(settings.dataDir(), dimension));
    }

    /**
     * Builds the handlers with a chunk store of your choosing instead of the settings' one: {@code
     * chunkStore} gets the embedding model's dimension and returns the store (closed with these
     * handlers).
     *
     * @throws IllegalStateException when the store's dimension differs from the model's
     */
    public static AiHandlers create(AiSettings settings, java.util.function.IntFunction<ChunkStore> chunkStore) {
        Embeddings embeddings = Embeddings.create(settings);
        ChunkStore store = chunkStore.apply(embeddings.dimension());
        try {
            return new AiHandlers(settings, embeddings, store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The {@code ingest} handler. */
    public IngestHandler ingest() {
        return ingest;
    }

    /** The {@code summarize} handler. */
    public SummarizeHandler summarize() {
        return summarize;
    }

    /** Both handlers, to register with {@code Worker.builder().handlers(…)}. */
    public List<TaskHandler> handlers() {
        return List.of(ingest, summarize);
    }

    /** The embedding model chunks are embedded with; embed queries with it to search {@link #embeddingStore()}. */
    public EmbeddingModel embeddingModel() {
        return embeddings.model();
    }

    /** The embedding model's name, as reported in results. */
    public String embeddingModelName() {
        return embeddings.name();
    }

    /** This client's chunks ({@link AiSettings#clientId()}), for retrieval; read-only. */
    public EmbeddingStore<TextSegment> embeddingStore() {
        return store.embeddingStore(clientId);
    }

    /** Closes the database pool and the summarizer's threads. Close it after the worker. */
    @Override
    public void close() {
        try {
            summarize.close();
        } finally {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "AiHandlers[" + embeddings.name() + ", " + store + ", " + summarize + "]";
    }
}
