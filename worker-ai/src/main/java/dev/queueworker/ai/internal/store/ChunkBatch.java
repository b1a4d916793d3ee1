package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** Checks the arguments of {@link ChunkStore#replace} the same way for every implementation. */
final class ChunkBatch {
    private ChunkBatch() {
    }

    /** Returns the ids as UUIDs after checking sizes, ids, dimensions and the segments' client and document keys. */
    static List<UUID> check(DocumentKey document, List<String> ids, List<Embedding> embeddings,
                            List<TextSegment> segments, int dimension) {
        Objects.requireNonNull(document, "'document' cannot be null.");
        Objects.requireNonNull(ids, "'ids' cannot be null.");
        Objects.requireNonNull(embeddings, "'embeddings' cannot be null.");
        Objects.requireNonNull(segments, "'segments' cannot be null.");
        if (ids.size() != embeddings.size() || ids.size() != segments.size()) {
            throw new IllegalArgumentException("ids, embeddings and segments differ in size: " + ids.size() + ", "
                    + embeddings.size() + " and " + segments.size());
        }
        List<UUID> uuids = new ArrayList<>(ids.size());
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            UUID uuid;
            try {
                uuid = UUID.fromString(Objects.requireNonNull(ids.get(i), "chunk id"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("chunk id " + i + " is not a UUID: " + ids.get(i));
            }
            if (!seen.add(uuid)) {
                throw new IllegalArgumentException("chunk id " + uuid + " is given twice");
            }
            uuids.add(uuid);
            Embedding embedding = Objects.requireNonNull(embeddings.get(i), "embedding");
            if (embedding.dimension() != dimension) {
                throw new IllegalArgumentException("embedding " + i + " has dimension " + embedding.dimension()
                        + " but the store holds dimension " + dimension);
            }
            TextSegment segment = Objects.requireNonNull(segments.get(i), "segment");
            String segmentClient = segment.metadata().getString(ChunkStore.CLIENT_ID);
            String segmentSet = segment.metadata().getString(ChunkStore.DOCUMENT_SET);
            String segmentFilename = segment.metadata().getString(ChunkStore.FILENAME);
            if (!document.clientId().equals(segmentClient) || !document.documentSet().equals(segmentSet)
                    || !document.filename().equals(segmentFilename)) {
                throw new IllegalArgumentException("segment " + i + " has metadata " + ChunkStore.CLIENT_ID + "="
                        + segmentClient + ", " + ChunkStore.DOCUMENT_SET + "=" + segmentSet + ", "
                        + ChunkStore.FILENAME + "=" + segmentFilename + " but replaces document " + document);
            }
        }
        return uuids;
    }
}
