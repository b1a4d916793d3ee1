package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.ChunkIds;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Another worker process for {@link FileChunkStoreTest}: opens the file store in {@code args[0]},
 * writes one chunk, prints {@value #READY} and holds the store until its standard input ends.
 */
public final class LockHolderMain {
    static final String READY = "holding";

    private LockHolderMain() {
    }

    public static void main(String[] args) throws IOException {
        int dimension = Integer.parseInt(args[1]);
        try (ChunkStore store = FileChunkStore.open(Path.of(args[0]), dimension)) {
            DocumentKey held = new DocumentKey(ChunkStoreTestBase.CLIENT, "manuals", "held.pdf");
            float[] vector = new float[dimension];
            vector[0] = 1f;
            store.replace(held, List.of(ChunkIds.of(held, 0)), List.of(Embedding.from(vector)),
                    List.of(TextSegment.from("held", new Metadata().put(ChunkStore.CLIENT_ID, held.clientId())
                            .put(ChunkStore.DOCUMENT_SET, "manuals").put(ChunkStore.FILENAME, "held.pdf")
                            .put(ChunkStore.CHUNK_INDEX, 0))));
            System.out.println(READY);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the test closes our input
            }
        }
    }
}
