package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.ChunkIds;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import dev.queueworker.ai.StoredChunk;
import dev.queueworker.ai.internal.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Arrays;
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
 * write leaves memory and file as they were. Several clients may share one store; each search of
 * {@link #embeddingStore(String)} sees the current state of that client's chunks. Thread-safe. One
 * process per data directory: {@link #open} takes a lock on {@value #LOCK_NAME} there, so a second
 * store on the same directory, from this process or another, is refused instead of overwriting the
 * first one's writes.
 */
public final class FileChunkStore implements ChunkStore {
    /** The name of the file in the data directory. */
    public static final String FILE_NAME = "chunks.json";
    /** The lock file beside it, held while the store is open. */
    public static final String LOCK_NAME = "chunks.lock";

    private final Path file;
    private final int dimension;
    private final FileChannel lockChannel;
    private final Map<DocumentKey, Chunks> documents = new HashMap<>();
    /** Chunks stored without a client id (queue-worker 0.1), by id, until a client claims them. */
    private final Map<String, EmbeddingMatch<TextSegment>> legacy = new LinkedHashMap<>();
    private volatile InMemoryEmbeddingStore<TextSegment> current;

    private FileChunkStore(Path file, int dimension, FileChannel lockChannel, InMemoryEmbeddingStore<TextSegment> store) {
        this.file = file;
        this.dimension = dimension;
        this.lockChannel = lockChannel;
        this.current = store;
    }

    /**
     * Opens (or starts) the store in {@code dataDirectory}, creating the directory if needed.
     *
     * @throws IllegalStateException when the file cannot be read, holds embeddings of another
     *     dimension, or another store holds the directory
     */
    public static FileChunkStore open(Path dataDirectory, int dimension) {
        Objects.requireNonNull(dataDirectory, "'dataDirectory' cannot be null.");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, was " + dimension);
        }
        Path file = dataDirectory.resolve(FILE_NAME);
        FileChannel lock = lock(dataDirectory);
        try {
            return load(file, dimension, lock);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    private static FileChunkStore load(Path file, int dimension, FileChannel lock) {
        InMemoryEmbeddingStore<TextSegment> store;
        String json = null;
        try {
            if (Files.exists(file)) {
                json = Files.readString(file, StandardCharsets.UTF_8);
                store = InMemoryEmbeddingStore.fromJson(json);
            } else {
                store = new InMemoryEmbeddingStore<>();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the chunk store file " + file + ": " + e.getMessage(), e);
        }
        FileChunkStore chunkStore = new FileChunkStore(file, dimension, lock, store);
        try {
            chunkStore.index();
        } catch (DimensionMismatch e) {
            throw new IllegalStateException("the chunk store file " + file + " holds embeddings of dimension "
                    + storedDimension(json) + " but the embedding model produces dimension " + dimension
                    + "; nothing was written. Use the model it was filled with, or another data directory.");
        }
        return chunkStore;
    }

    /** Locks the directory for this store: refused while another store, here or in another process, holds it. */
    private static FileChannel lock(Path dataDirectory) {
        Path lockFile = dataDirectory.resolve(LOCK_NAME);
        FileChannel channel;
        try {
            Files.createDirectories(dataDirectory);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the chunk store lock " + lockFile + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new IllegalStateException("the chunk store in " + dataDirectory + " ('dataDir') is open in another"
                    + " worker (this process or another): give each worker process and each client its own data"
                    + " directory, or use pgvector to share chunks");
        }
        return channel;
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
    public synchronized Optional<String> documentValue(DocumentKey document, String key) {
        Chunks chunks = documents.get(Objects.requireNonNull(document, "'document' cannot be null."));
        Object value = chunks == null ? null : chunks.metadata.toMap().get(key);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    @Override
    public synchronized void replace(DocumentKey document, List<String> ids, List<Embedding> embeddings,
                                     List<TextSegment> segments) {
        ChunkBatch.check(document, ids, embeddings, segments, dimension);
        refuseOtherClientsIds(document, ids);
        Chunks old = documents.get(document);
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
        // An id upserted here may have been the client's chunk of another document, or a legacy one.
        for (Chunks chunks : documents.values()) {
            chunks.ids.removeAll(ids);
        }
        documents.values().removeIf(chunks -> chunks.ids.isEmpty());
        legacy.keySet().removeAll(ids);
        if (!ids.isEmpty()) {
            documents.put(document, new Chunks(new HashSet<>(ids), segments.get(0).metadata()));
        } else {
            documents.remove(document);
        }
    }

    private void refuseOtherClientsIds(DocumentKey document, List<String> ids) {
        for (Map.Entry<DocumentKey, Chunks> entry : documents.entrySet()) {
            if (!entry.getKey().clientId().equals(document.clientId())) {
                for (String id : ids) {
                    if (entry.getValue().ids.contains(id)) {
                        throw new PermanentException("chunk id " + id + " of " + document + " is already a chunk of"
                                + " another client's document; nothing was written");
                    }
                }
            }
        }
    }

    @Override
    public synchronized int count(DocumentKey document) {
        Chunks chunks = documents.get(Objects.requireNonNull(document, "'document' cannot be null."));
        return chunks == null ? 0 : chunks.ids.size();
    }

    @Override
    public synchronized Map<String, StoredChunk> storedChunks(DocumentKey document) {
        Chunks chunks = documents.get(Objects.requireNonNull(document, "'document' cannot be null."));
        if (chunks == null) {
            return Map.of();
        }
        Map<String, StoredChunk> stored = new HashMap<>();
        for (EmbeddingMatch<TextSegment> match : all(current)) {
            if (chunks.ids.contains(match.embeddingId()) && match.embedded() != null) {
                stored.put(match.embeddingId(), new StoredChunk(match.embedded(), match.embedding()));
            }
        }
        return stored;
    }

    /** Every entry of {@code store}: a search that every vector passes (its store has no listing). */
    private List<EmbeddingMatch<TextSegment>> all(InMemoryEmbeddingStore<TextSegment> store) {
        float[] probe = new float[dimension];
        Arrays.fill(probe, 1f);
        return store.search(EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(probe)).maxResults(Math.max(1, store.size())).minScore(0.0).build())
                .matches();
    }

    @Override
    public EmbeddingStore<TextSegment> embeddingStore(String clientId) {
        return new ClientScopedEmbeddingStore(request -> current.search(request), clientId);
    }

    @Override
    public synchronized int claimLegacyChunks(String clientId) {
        List<EmbeddingMatch<TextSegment>> claimed = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> match : legacy.values()) {
            Metadata metadata = match.embedded().metadata();
            if (ChunkIds.isClients(clientId, match.embeddingId(), metadata.getString(DOCUMENT_SET),
                    metadata.getString(FILENAME), Objects.toString(metadata.toMap().get(CHUNK_INDEX), null))) {
                claimed.add(match);
            }
        }
        if (claimed.isEmpty()) {
            return 0;
        }
        InMemoryEmbeddingStore<TextSegment> next = InMemoryEmbeddingStore.merge(List.of(current));
        List<String> ids = new ArrayList<>();
        List<Embedding> vectors = new ArrayList<>();
        List<TextSegment> segments = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> match : claimed) {
            ids.add(match.embeddingId());
            vectors.add(match.embedding());
            segments.add(TextSegment.from(match.embedded().text(),
                    match.embedded().metadata().copy().put(CLIENT_ID, clientId)));
        }
        next.removeAll(ids);
        next.addAll(ids, vectors, segments);
        write(next);
        current = next;
        legacy.keySet().removeAll(ids);
        for (int i = 0; i < ids.size(); i++) {
            Metadata metadata = segments.get(i).metadata();
            documents.computeIfAbsent(new DocumentKey(clientId, metadata.getString(DOCUMENT_SET),
                    metadata.getString(FILENAME)), k -> new Chunks(new HashSet<>(), metadata)).ids.add(ids.get(i));
        }
        return claimed.size();
    }

    @Override
    public synchronized void close() {
        // Every replace is already on disk; the lock goes with the channel.
        closeQuietly(lockChannel);
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
        List<EmbeddingMatch<TextSegment>> all;
        try {
            all = all(store);
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
            String clientId = segment.metadata().getString(CLIENT_ID);
            String documentSet = segment.metadata().getString(DOCUMENT_SET);
            String filename = segment.metadata().getString(FILENAME);
            if (documentSet == null || filename == null) {
                continue;
            }
            if (clientId == null || clientId.isBlank()) {
                legacy.put(match.embeddingId(), match);
                continue;
            }
            documents.computeIfAbsent(new DocumentKey(clientId, documentSet, filename),
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
        try {
            AtomicFiles.replace(file, store.serializeToJson());
        } catch (IOException e) {
            throw new RetryableException("cannot write the chunk store file " + file + ": " + e, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the lock is released with the process at the latest
        }
    }

    private static final class Chunks {
        private final Set<String> ids;
        private final Metadata metadata; // of one chunk: the document-wide keys

        Chunks(Set<String> ids, Metadata metadata) {
            this.ids = ids;
            this.metadata = metadata.copy();
        }
    }
}
