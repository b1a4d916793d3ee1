package com.example.chunks;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.queueworker.ai.ChunkStore;
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
 * {@code ChunkStoreCompatibilityKit} checks them.
 */
public final class MapChunkStore implements ChunkStore {

    /** The rows, the way a database would hold them; one lock makes each replace atomic. */
    public static final class Storage {
        private final InMemoryEmbeddingStore<TextSegment> vectors = new InMemoryEmbeddingStore<>();
        private final Map<String, Set<String>> idsByDocument = new HashMap<>();
        private final Map<String, Metadata> metadataByDocument = new HashMap<>();
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
    public Optional<String> documentValue(String documentSet, String filename, String key) {
        synchronized (storage) {
            Metadata metadata = storage.metadataByDocument.get(key(documentSet, filename));
            return metadata == null || !metadata.containsKey(key) ? Optional.empty()
                    : Optional.of(String.valueOf(metadata.toMap().get(key)));
        }
    }

    @Override
    public void replace(String documentSet, String filename, List<String> ids, List<Embedding> embeddings,
            List<TextSegment> segments) {
        check(documentSet, filename, ids, embeddings, segments);
        String document = key(documentSet, filename);
        synchronized (storage) {
            Set<String> old = storage.idsByDocument.getOrDefault(document, Set.of());
            Set<String> removed = new HashSet<>(old);
            removed.addAll(ids);
            if (!removed.isEmpty()) {
                storage.vectors.removeAll(removed);
            }
            if (ids.isEmpty()) {
                storage.idsByDocument.remove(document);
                storage.metadataByDocument.remove(document);
                return;
            }
            storage.vectors.addAll(ids, embeddings, segments);
            storage.idsByDocument.put(document, new HashSet<>(ids));
            storage.metadataByDocument.put(document, segments.get(0).metadata());
        }
    }

    @Override
    public int count(String documentSet, String filename) {
        synchronized (storage) {
            return storage.idsByDocument.getOrDefault(key(documentSet, filename), Set.of()).size();
        }
    }

    @Override
    public EmbeddingStore<TextSegment> embeddingStore() {
        return storage.vectors;
    }

    @Override
    public void close() {
        // nothing to release: the storage outlives its stores
    }

    private void check(String documentSet, String filename, List<String> ids, List<Embedding> embeddings,
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
            if (!documentSet.equals(metadata.getString(DOCUMENT_SET)) || !filename.equals(metadata.getString(FILENAME))) {
                throw new IllegalArgumentException("segment " + i + " belongs to another document");
            }
        }
    }

    private static String key(String documentSet, String filename) {
        return documentSet + '\u0000' + filename;
    }
}
