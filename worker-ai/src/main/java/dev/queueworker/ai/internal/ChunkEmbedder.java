package dev.queueworker.ai.internal;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import dev.queueworker.ai.StoredChunk;
import dev.queueworker.ai.internal.budget.CallCancellation;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embeddings of a document's chunks for the {@code ingest} handler: the stored one of each
 * chunk whose stored chunk of the same id has the same text and model, so a retried or re-ingested
 * document is embedded again only where it changed; the others from the model, in batches, each
 * call ending when the task is cancelled, with the tokens the model reported.
 */
public final class ChunkEmbedder {
    /** The chunk metadata key naming the model that embedded it. */
    public static final String EMBEDDING_MODEL = "embedding_model";

    private final EmbeddingModel model;
    private final String modelName;
    private final int dimension;
    private final int batchSize;
    private final ChunkStore store;

    public ChunkEmbedder(EmbeddingModel model, String modelName, int dimension, int batchSize, ChunkStore store) {
        this.model = model;
        this.modelName = modelName;
        this.dimension = dimension;
        this.batchSize = batchSize;
        this.store = store;
    }

    /** A document's embeddings, how many of them the model made, and the tokens it reported. */
    public record Embedded(List<Embedding> vectors, int count, ModelUsage usage) {
        /** Nothing embedded: an unchanged document. */
        public static final Embedded NONE = new Embedded(List.of(), 0, ModelUsage.NONE);
    }

    /** The embeddings of {@code segments} (chunk ids {@code ids}) of {@code document}. */
    public Embedded embed(DocumentKey document, List<String> ids, List<TextSegment> segments, TaskContext context) {
        AtomicReference<ModelUsage> usage = new AtomicReference<>(ModelUsage.NONE);
        List<Embedding> vectors = reusedEmbeddings(document, ids, segments);
        int count = embedMissing(vectors, segments, context, usage);
        return new Embedded(vectors, count, usage.get());
    }

    /**
     * The stored embedding of each chunk whose stored chunk of the same id has the same text and
     * embedding model (a retried or re-ingested document), else null: only those are embedded.
     */
    private List<Embedding> reusedEmbeddings(DocumentKey document, List<String> ids, List<TextSegment> segments) {
        Map<String, StoredChunk> stored = store.storedChunks(document);
        List<Embedding> vectors = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            StoredChunk old = stored.get(ids.get(i));
            boolean same = old != null && old.embedding().dimension() == dimension
                    && old.segment().text().equals(segments.get(i).text())
                    && modelName.equals(old.segment().metadata().getString(EMBEDDING_MODEL));
            vectors.add(same ? old.embedding() : null);
        }
        return vectors;
    }

    /** Fills the nulls of {@code vectors} with their segments' embeddings; returns how many there were. */
    private int embedMissing(List<Embedding> vectors, List<TextSegment> segments, TaskContext context,
                             AtomicReference<ModelUsage> usage) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            if (vectors.get(i) == null) {
                missing.add(i);
            }
        }
        List<Embedding> fresh = embed(missing.stream().map(segments::get).toList(), context, usage);
        for (int i = 0; i < missing.size(); i++) {
            vectors.set(missing.get(i), fresh.get(i));
        }
        return missing.size();
    }

    /** Embeds {@code segments} in batches, adding the tokens the model reports to {@code usage}. */
    private List<Embedding> embed(List<TextSegment> segments, TaskContext context, AtomicReference<ModelUsage> usage) {
        List<Embedding> vectors = new ArrayList<>(segments.size());
        int batch = batchSize;
        for (int from = 0; from < segments.size(); from += batch) {
            context.throwIfCancelled();
            List<TextSegment> part = segments.subList(from, Math.min(segments.size(), from + batch));
            Response<List<Embedding>> response;
            try {
                // A call waiting for the API key's rate limit ends when the task is cancelled.
                response = CallCancellation.during(context::isCancelled, () -> model.embedAll(part));
            } catch (RuntimeException e) {
                context.throwIfCancelled();
                throw ModelErrors.translate(e, "embedding model " + modelName);
            }
            usage.accumulateAndGet(ModelUsage.embedding(response.tokenUsage()), ModelUsage::plus);
            List<Embedding> embedded = response.content();
            if (embedded.size() != part.size()) {
                throw new RetryableException("embedding model " + modelName + " returned " + embedded.size()
                        + " embeddings for " + part.size() + " chunks");
            }
            for (Embedding e : embedded) {
                if (e.dimension() != dimension) {
                    throw new PermanentException("embedding model " + modelName + " returned "
                            + e.dimension() + " dimensions, expected " + dimension
                            + " ('openAiEmbeddingDimensions')");
                }
            }
            vectors.addAll(embedded);
            context.reportProgress(0.1 + 0.85 * vectors.size() / segments.size(),
                    "embedded " + vectors.size() + " of " + segments.size() + " chunks");
        }
        return vectors;
    }
}
