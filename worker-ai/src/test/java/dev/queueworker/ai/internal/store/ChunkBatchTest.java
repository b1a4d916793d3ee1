package dev.queueworker.ai.internal.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The messages of the argument checks every built-in store shares. */
class ChunkBatchTest extends ChunkStoreTestBase {
    private final Doc doc = new Doc("manuals", "guide.pdf", 1, 3);

    @Override
    protected ChunkStore openStore(int dimension) {
        throw new UnsupportedOperationException("no store needed");
    }

    @Test
    void eachRefusalSaysWhatIsWrong() {
        assertThatThrownBy(() -> check(doc.key, doc.ids.subList(0, 2), doc.embeddings, doc.segments))
                .hasMessageContaining("differ in size");
        assertThatThrownBy(() -> check(doc.key, List.of("chunk-1", "b", "c"), doc.embeddings, doc.segments))
                .hasMessageContaining("not a UUID");
        List<Embedding> wide = new ArrayList<>(doc.embeddings);
        wide.set(2, Embedding.from(new float[DIMENSION + 1]));
        assertThatThrownBy(() -> check(doc.key, doc.ids, wide, doc.segments)).hasMessageContaining("dimension 9");
        assertThatThrownBy(() -> check(key("manuals", "other.pdf"), doc.ids, doc.embeddings, doc.segments))
                .hasMessageContaining("filename=guide.pdf");
    }

    @Test
    void aSegmentOfAnotherClientIsRefused() {
        List<TextSegment> foreign = new ArrayList<>(doc.segments);
        foreign.set(1, TextSegment.from("x", doc.segments.get(1).metadata().copy().put(ChunkStore.CLIENT_ID, "beta")));
        assertThatThrownBy(() -> check(doc.key, doc.ids, doc.embeddings, foreign))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client_id=beta")
                .hasMessageContaining("manuals/guide.pdf of client alpha");
        assertThatThrownBy(() -> check(new DocumentKey("beta", "manuals", "guide.pdf"), doc.ids, doc.embeddings,
                doc.segments)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client_id=alpha");
    }

    private static void check(DocumentKey key, List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        ChunkBatch.check(key, ids, embeddings, segments, DIMENSION);
    }
}
