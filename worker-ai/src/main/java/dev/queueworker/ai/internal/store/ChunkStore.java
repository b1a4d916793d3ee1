package dev.queueworker.ai.internal.store;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;

import java.util.List;
import java.util.Optional;

/**
 * The embedded chunks of documents, keyed by (document set, filename).
 *
 * <p>Every chunk's segment carries the metadata keys {@link #DOCUMENT_SET}, {@link #FILENAME},
 * {@link #CHUNK_INDEX} (an int) and {@link #CONTENT_SHA256} (of the whole document), plus the
 * user's keys. Chunk ids are UUIDs. Implementations are thread-safe.
 *
 * <pre>{@code
 * try (ChunkStore store = PgVectorChunkStore.builder(DatabaseUrl.parse(url), 384).build()) {
 *     if (!store.contentSha256("manuals", "a.pdf").equals(Optional.of(sha))) {
 *         store.replace("manuals", "a.pdf", ids, embeddings, segments);
 *     }
 * }
 * }</pre>
 */
public interface ChunkStore extends AutoCloseable {
    String DOCUMENT_SET = "document_set";
    String FILENAME = "filename";
    String CHUNK_INDEX = "chunk_index";
    String CONTENT_SHA256 = "content_sha256";

    /** The dimension of every embedding in this store. */
    int dimension();

    /** The {@code content_sha256} stored on the document's chunks; empty when it has none. */
    default Optional<String> contentSha256(String documentSet, String filename) {
        return documentValue(documentSet, filename, CONTENT_SHA256);
    }

    /**
     * The value of metadata key {@code key} on the document's chunks, as text (the ingest handler
     * sets its document-wide keys, such as {@link #CONTENT_SHA256}, on every chunk alike); empty when
     * the document has no chunks or they lack the key.
     */
    Optional<String> documentValue(String documentSet, String filename, String key);

    /**
     * Makes the document's chunks exactly these, atomically: chunks are upserted by id and the
     * document's other chunks (such as those past a new, shorter count) are deleted. Two calls for
     * the same document at once leave the rows of one of them. Empty lists delete the document.
     *
     * @throws IllegalArgumentException when the lists differ in size, an id is not a UUID, an
     *     embedding has another dimension or a segment's document_set/filename metadata differ
     * @throws dev.queueworker.api.RetryableException when the store cannot be reached
     */
    void replace(String documentSet, String filename, List<String> ids, List<Embedding> embeddings,
                 List<TextSegment> segments);

    /** The number of chunks the document has. */
    int count(String documentSet, String filename);

    /** The LangChain4j view of the chunks, for search and retrieval. */
    EmbeddingStore<TextSegment> embeddingStore();

    /** Releases connections or files; the store is unusable afterwards. */
    @Override
    void close();
}
