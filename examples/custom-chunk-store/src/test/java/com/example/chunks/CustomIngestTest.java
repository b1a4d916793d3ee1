package com.example.chunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import dev.queueworker.ai.IngestHandler;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CustomIngestTest {
    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();
    private final WordHashEmbeddingModel model = new WordHashEmbeddingModel();

    @Test
    void aDocumentIsStoredInOurStoreAndFoundByOurModel() {
        ChunkStore store = new MapChunkStore(new MapChunkStore.Storage(), WordHashEmbeddingModel.DIMENSION);
        IngestHandler ingest = CustomIngest.handler(model, store);
        put("hives.txt", ("Bees keep their honey in wax cells. ".repeat(20) + "\n\n"
                + "Wasps build paper nests from chewed wood. ".repeat(20)));

        TaskResult first = ingest.handle(task(), new TestTaskContext(documents, 1));
        TaskResult again = ingest.handle(task(), new TestTaskContext(documents, 2));

        assertThat(first.data().get("embedding_model").asText()).isEqualTo("word-hash-32");
        assertThat(first.data().get("chunks").asInt()).isGreaterThan(2)
                .isEqualTo(store.count(new DocumentKey("example", "insects", "hives.txt")));
        assertThat(again.data().get("unchanged").asBoolean()).as("the same bytes are not embedded twice").isTrue();
        String best = store.embeddingStore("example").search(EmbeddingSearchRequest.builder()
                .queryEmbedding(model.embed("paper nests of wasps").content()).maxResults(1).build())
                .matches().get(0).embedded().text();
        assertThat(best).contains("Wasps build paper nests");
    }

    @Test
    void aStoreOfAnotherDimensionIsRefusedBeforeAnythingIsWritten() {
        ChunkStore wrong = new MapChunkStore(new MapChunkStore.Storage(), 384);

        assertThatThrownBy(() -> CustomIngest.handler(model, wrong)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dimension 384").hasMessageContaining("makes 32");
    }

    private void put(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        documents.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    private static Task task() {
        return TestTasks.aTask("ingest").payload("filename", "hives.txt").payload("document_set", "insects").build();
    }
}
