package dev.queueworker.ai;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The ids the {@code ingest} handler gives chunks: name-based (version 3) UUIDs of client id,
 * document set, filename and chunk index, the same on every run and every worker, so a re-delivered
 * task writes the same rows. Because the client is part of the id, a store can tell whose a chunk
 * stored without the {@code client_id} metadata key is ({@link ChunkStore#claimLegacyChunks}).
 */
public final class ChunkIds {

    private ChunkIds() {
    }

    /** The id of chunk {@code index} of {@code document}. */
    public static String of(DocumentKey document, int index) {
        return of(document.clientId(), document.documentSet(), document.filename(), index);
    }

    /** The id of chunk {@code index} of the client's document; a chunk id of every version so far. */
    public static String of(String clientId, String documentSet, String filename, int index) {
        String key = clientId + '\u0000' + documentSet + '\u0000' + filename + '\u0000' + index;
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Whether {@code id} is the id this client's chunk of that document and index has: how a chunk
     * written without a client id is told to be {@code clientId}'s. False for anything unparsable.
     */
    public static boolean isClients(String clientId, String id, String documentSet, String filename,
                                    String chunkIndex) {
        if (id == null || documentSet == null || filename == null || chunkIndex == null) {
            return false;
        }
        try {
            return of(clientId, documentSet, filename, Integer.parseInt(chunkIndex.strip())).equals(id);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
