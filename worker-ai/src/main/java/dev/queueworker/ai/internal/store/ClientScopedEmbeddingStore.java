package dev.queueworker.ai.internal.store;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.queueworker.ai.ChunkStore;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One client's chunks of a store that holds every client's: each search gets
 * {@code client_id = <client>} added to its filter, and every write is refused (chunks are written
 * through {@link ChunkStore#replace}). The one place the search side of client scoping lives.
 */
public final class ClientScopedEmbeddingStore implements EmbeddingStore<TextSegment> {
    private final Function<EmbeddingSearchRequest, EmbeddingSearchResult<TextSegment>> search;
    private final Filter clientFilter;
    private final String clientId;

    /**
     * @param search searches every client's chunks
     * @throws IllegalArgumentException when {@code clientId} is blank
     */
    public ClientScopedEmbeddingStore(Function<EmbeddingSearchRequest, EmbeddingSearchResult<TextSegment>> search,
                                      String clientId) {
        this.search = Objects.requireNonNull(search, "'search' cannot be null.");
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("'clientId' must not be null or blank");
        }
        this.clientId = clientId;
        this.clientFilter = metadataKey(ChunkStore.CLIENT_ID).isEqualTo(clientId);
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        Filter filter = request.filter() == null ? clientFilter : Filter.and(clientFilter, request.filter());
        return search.apply(EmbeddingSearchRequest.builder()
                .query(request.query())
                .queryEmbedding(request.queryEmbedding())
                .maxResults(request.maxResults())
                .minScore(request.minScore())
                .filter(filter)
                .build());
    }

    @Override
    public String add(Embedding embedding) {
        throw readOnly();
    }

    @Override
    public void add(String id, Embedding embedding) {
        throw readOnly();
    }

    @Override
    public String add(Embedding embedding, TextSegment textSegment) {
        throw readOnly();
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        throw readOnly();
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
        throw readOnly();
    }

    @Override
    public void removeAll(Collection<String> ids) {
        throw readOnly();
    }

    @Override
    public void removeAll(Filter filter) {
        throw readOnly();
    }

    @Override
    public void removeAll() {
        throw readOnly();
    }

    @Override
    public String toString() {
        return "ClientScopedEmbeddingStore[" + clientId + "]";
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("chunks are written through ChunkStore.replace only");
    }
}
