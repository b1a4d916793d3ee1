package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.ChunkStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.queueworker.api.RetryableException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Chunks in LangChain4j's {@link InMemoryEmbeddingStore}, persisted as its JSON to
 * {@value #FILE_NAME} in a data directory: loaded at open, written after each replace to a temporary
 * file that is then moved over the old one, so the file always holds a whole state.
 *
 * <p>Each replace builds the new state on a copy and swaps it in only once it is on disk: a failed
 * write leaves memory and file as they were. {@link #embeddingStore()} always searches the current
 * state; it is read-only (writes go through {@link #replace}). Thread-safe; one process per data
 * directory.
 */
public final class FileChunkStore implements ChunkStore {
    /** The name of the file in the data directory. */
    public static final String FILE_NAME = "chunks.json";

    private final Path file;
    private final int dimension;
    private final Map<DocumentKey, Chunks> documents = new HashMap<>();
    private volatile InMemoryEmbeddingStore<TextSegment> current;
    private final EmbeddingStore<TextSegment> view = new SearchView();

    private FileChunkStore(Path file, int dimension, InMemoryEmbeddingStore<TextSegment> store) {
        this.file = file;
        this.dimension = dimension;
        this.current = store;
    }

    /**
     * Opens (or starts) the store in {@code dataDirectory}, creating the directory if needed.
     *
     * @throws IllegalStateException when the file cannot be read or holds embeddings of another dimension
     */
    public static FileChunkStore open(Path dataDirectory, int dimension) {
        Objects.requireNonNull(dataDirectory, "'dataDirectory' cannot be null.");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
        }
        Path file = dataDirectory.resolve(FILE_NAME);
        InMemoryEmbeddingStore<TextSegment> store;
        String json = null;
        try {
            Files.createDirectories(dataDirectory);
            if (Files.exists(file)) {
                json = Files.readString(file, StandardCharsets.UTF_8);
                store = InMemoryEmbeddingStore.fromJson(json);
            } else {
                store = new InMemoryEmbeddingStore<>();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the chunk store file " + file + ": " + e.getMessage(), e);
        }
        FileChunkStore chunkStore = new FileChunkStore(file, dimension, store);
        try {
            chunkStore.index();
        } catch (DimensionMismatch e) {
            throw new IllegalStateException("the chunk store file " + file + " holds embeddings of dimension "
                    + storedDimension(json) + " but the embedding model produces dimension " + dimension
                    + "; nothing was written. Use the model it was filled with, or another data directory.");
        }
        return chunkStore;
    }

    /** The file the chunks are kept in. */
    public Path file() {
        return file;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public synchronized Optional<String> documentValue(String documentSet, String filename, String key) {
        Chunks chunks = documents.get(new DocumentKey(documentSet, filename));
        Object value = chunks == null ? null : chunks.metadata.toMap().get(key);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    @Override
    public synchronized void replace(String documentSet, String filename, List<String> ids,
                                     List<Embedding> embeddings, List<TextSegment> segments) {
        ChunkBatch.check(documentSet, filename, ids, embeddings, segments, dimension);
        DocumentKey key = new DocumentKey(documentSet, filename);
        Chunks old = documents.get(key);
        Set<String> removed = new HashSet<>(ids);
        if (old != null) {
            removed.addAll(old.ids);
        }
        if (removed.isEmpty()) {
            return; // deleting a document that has no chunks: nothing to write
        }
        InMemoryEmbeddingStore<TextSegment> next = InMemoryEmbeddingStore.merge(List.of(current));
        next.removeAll(removed);
        if (!ids.isEmpty()) {
            next.addAll(ids, embeddings, segments);
        }
        write(next);
        current = next;
        // An id upserted here may have belonged to another document before.
        for (Chunks chunks : documents.values()) {
            chunks.ids.removeAll(ids);
        }
        documents.values().removeIf(chunks -> chunks.ids.isEmpty());
        if (!ids.isEmpty()) {
            documents.put(key, new Chunks(new HashSet<>(ids), segments.get(0).metadata()));
        } else {
            documents.remove(key);
        }
    }

    @Override
    public synchronized int count(String documentSet, String filename) {
        Chunks chunks = documents.get(new DocumentKey(documentSet, filename));
        return chunks == null ? 0 : chunks.ids.size();
    }

    @Override
    public EmbeddingStore<TextSegment> embeddingStore() {
        return view;
    }

    @Override
    public void close() {
        // Every replace is already on disk.
    }

    @Override
    public String toString() {
        return "FileChunkStore{" + file + ", dimension=" + dimension + "}";
    }

    /** Builds the document index from the loaded entries, checking their dimension. */
    private void index() {
        InMemoryEmbeddingStore<TextSegment> store = current;
        if (store.isEmpty()) {
            return;
        }
        float[] probe = new float[dimension];
        Arrays.fill(probe, 1f);
        List<EmbeddingMatch<TextSegment>> all;
        try {
            all = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(probe)).maxResults(store.size()).minScore(0.0).build()).matches();
        } catch (IllegalArgumentException e) {
            throw new DimensionMismatch();
        }
        for (EmbeddingMatch<TextSegment> match : all) {
            if (match.embedding().dimension() != dimension) {
                throw new DimensionMismatch();
            }
            TextSegment segment = match.embedded();
            if (segment == null) {
                continue;
            }
            String documentSet = segment.metadata().getString(DOCUMENT_SET);
            String filename = segment.metadata().getString(FILENAME);
            if (documentSet == null || filename == null) {
                continue;
            }
            documents.computeIfAbsent(new DocumentKey(documentSet, filename),
                            k -> new Chunks(new HashSet<>(), segment.metadata()))
                    .ids.add(match.embeddingId());
        }
    }

    /** The length of the first stored vector, or "another" when the JSON has none. */
    private static String storedDimension(String json) {
        try {
            JsonNode vector = new ObjectMapper().readTree(json).findValue("vector");
            return vector != null && vector.isArray() ? String.valueOf(vector.size()) : "another";
        } catch (IOException | RuntimeException e) {
            return "another";
        }
    }

    private static final class DimensionMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DimensionMismatch() {
            super(null, null, false, false);
        }
    }

    private void write(InMemoryEmbeddingStore<TextSegment> store) {
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            Files.writeString(temporary, store.serializeToJson(), StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RetryableException("cannot write the chunk store file " + file + ": " + e, e);
        }
    }

    private static final class DocumentKey {
        private final String documentSet;
        private final String filename;

        DocumentKey(String documentSet, String filename) {
            this.documentSet = Objects.requireNonNull(documentSet, "'documentSet' cannot be null.");
            this.filename = Objects.requireNonNull(filename, "'filename' cannot be null.");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof DocumentKey && ((DocumentKey) other).documentSet.equals(documentSet)
                    && ((DocumentKey) other).filename.equals(filename);
        }

        @Override
        public int hashCode() {
            return documentSet.hashCode() * 31 + filename.hashCode();
        }
    }

    private static final class Chunks {
        private final Set<String> ids;
        private final dev.langchain4j.data.document.Metadata metadata; // of one chunk: the document-wide keys

        Chunks(Set<String> ids, dev.langchain4j.data.document.Metadata metadata) {
            this.ids = ids;
            this.metadata = metadata.copy();
        }
    }

    /** Searches whatever state is current; writes must go through {@link #replace}. */
    private final class SearchView implements EmbeddingStore<TextSegment> {
        @Override
        public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
            return current.search(request);
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

        private UnsupportedOperationException readOnly() {
            return new UnsupportedOperationException("the file chunk store is written through ChunkStore.replace only");
        }
    }
}
