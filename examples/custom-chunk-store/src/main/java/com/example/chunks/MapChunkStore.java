package com.example.chunks;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.ChunkStores;
import dev.queueworker.ai.DocumentKey;
import dev.queueworker.api.PermanentException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link ChunkStore} of our own, kept in a {@link Storage} shared by every store opened on it (as
 * a table is shared by connections). It stands in for whatever vector database an application
 * already runs: the five methods below are all the ingest handler needs, and
 * {@code ChunkStoreCompatibilityKit} checks them. Every document is keyed by its
 * {@link DocumentKey}, client included, so clients sharing the storage keep their chunks apart.
 */
public final class MapChunkStore implements ChunkStore {

    /** The rows, the way a database would hold them; one lock makes each replace atomic. */
    public static final class Storage {
        private final InMemoryEmbeddingStore<TextSegment> vectors = new InMemoryEmbeddingStore<>();
        private final Map<DocumentKey, Set<String>> idsByDocument = new HashMap<>();
        private final Map<DocumentKey, Metadata> metadataByDocument = new HashMap<>();
        private final Map<String, String> clientById = new HashMap<>();
        private int dimension;
    }

    private final Storage storage;
    private final int dimension;

    /** @throws IllegalStateException when the storage holds embeddings of another dimension */
    public MapChunkStore(Storage storage, int dimension) {
        synchronized (storage) {
            if (storage.dimension != 0 && storage.dimension != dimension && !storage.idsByDocument.isEmpty()) {
                throw new IllegalStateException("the storage holds embeddings of dimension " + storage.dimension
                        + ", this store was opened for dimension " + dimension + "; nothing was written");
            }
            storage.dimension = dimension;
        }
        this.storage = storage;
        this.dimension = dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Optional<String> documentValue(DocumentKey document, String key) {
        synchronized (storage) {
            Metadata metadata = storage.metadataByDocument.get(document);
            return metadata == null || !metadata.containsKey(key) ? Optional.empty()
                    : Optional.of(String.valueOf(metadata.toMap().get(key)));
        }
    }

    @Override
    public void replace(DocumentKey document, List<String> ids, List<Embedding> embeddings,
            List<TextSegment> segments) {
        check(document, ids, embeddings, segments);
        synchronized (storage) {
            for (String id : ids) {
                String owner = storage.clientById.get(id);
                if (owner != null && !owner.equals(document.clientId())) {
                    throw new PermanentException("chunk id " + id + " is another client's");
                }
            }
            Set<String> old = storage.idsByDocument.getOrDefault(document, Set.of());
            Set<String> removed = new HashSet<>(old);
            removed.addAll(ids);
            if (!removed.isEmpty()) {
                storage.vectors.removeAll(removed);
                storage.clientById.keySet().removeAll(removed);
            }
            if (ids.isEmpty()) {
                storage.idsByDocument.remove(document);
                storage.metadataByDocument.remove(document);
                return;
            }
            storage.vectors.addAll(ids, embeddings, segments);
            ids.forEach(id -> storage.clientById.put(id, document.clientId()));
            storage.idsByDocument.put(document, new HashSet<>(ids));
            storage.metadataByDocument.put(document, segments.get(0).metadata());
        }
    }

    @Override
    public int count(DocumentKey document) {
        synchronized (storage) {
            return storage.idsByDocument.getOrDefault(document, Set.of()).size();
        }
    }

    /** The storage's vectors, searched within the client's chunks only. */
    @Override
    public EmbeddingStore<TextSegment> embeddingStore(String clientId) {
        return ChunkStores.clientView(storage.vectors, clientId);
    }

    @Override
    public void close() {
        // nothing to release: the storage outlives its stores
    }

    private void check(DocumentKey document, List<String> ids, List<Embedding> embeddings,
            List<TextSegment> segments) {
        if (ids.size() != embeddings.size() || ids.size() != segments.size()) {
            throw new IllegalArgumentException("ids, embeddings and segments differ in size");
        }
        for (int i = 0; i < ids.size(); i++) {
            try {
                UUID.fromString(ids.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("id " + ids.get(i) + " is not a UUID");
            }
            if (embeddings.get(i).dimension() != dimension) {
                throw new IllegalArgumentException("embedding " + i + " has dimension " + embeddings.get(i).dimension()
                        + ", the store " + dimension);
            }
            Metadata metadata = segments.get(i).metadata();
            if (!document.clientId().equals(metadata.getString(CLIENT_ID))
                    || !document.documentSet().equals(metadata.getString(DOCUMENT_SET))
                    || !document.filename().equals(metadata.getString(FILENAME))) {
                throw new IllegalArgumentException("segment " + i + " belongs to another document or client");
            }
        }
    }
}
