package dev.queueworker.ai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import java.util.Objects;

/**
 * One chunk as a {@link ChunkStore} holds it ({@link ChunkStore#storedChunks}): its text with its
 * metadata, and its embedding.
 *
 * @param segment   the chunk's text and metadata, as {@link ChunkStore#replace} was given them
 *                  (a store may give metadata values back as text)
 * @param embedding the chunk's embedding
 */
public record StoredChunk(TextSegment segment, Embedding embedding) {

    public StoredChunk {
        Objects.requireNonNull(segment, "'segment' cannot be null.");
        Objects.requireNonNull(embedding, "'embedding' cannot be null.");
    }
}
