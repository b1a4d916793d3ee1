package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentParser;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handlers built from a user's own LangChain4j models, parser and store. */
class ComposedHandlersTest {

    @TempDir
    Path dataDir;

    private final InMemoryDocumentStore documents = new InMemoryDocumentStore();

    /** Four dimensions from the text's letters: deterministic, no model to load. */
    static final class LetterModel implements EmbeddingModel {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            calls.incrementAndGet();
            return Response.from(segments.stream().map(s -> {
                String t = s.text();
                return Embedding.from(new float[] {t.length(), t.chars().filter(c -> c == 'e').count() + 1f,
                        t.chars().filter(c -> c == 'a').count() + 1f, 1f});
            }).toList());
        }

        @Override
        public int dimension() {
            return 4;
        }

        @Override
        public String modelName() {
            return "letters-4";
        }
    }

    @Test
    void anIngestHandlerFromAUsersModelAndStoreSplitsEmbedsAndSkipsAnUnchangedDocument() {
        LetterModel model = new LetterModel();
        try (ChunkStore store = ChunkStores.file(dataDir, 4)) {
            IngestHandler ingest = IngestHandler.builder().embeddingModel(model).chunkStore(store).split(200, 20)
                    .build();
            put("bees.txt", "Bees dance to tell where the flowers are. ".repeat(30));

            TaskResult first = ingest.handle(task("ingest", "bees.txt"), context());
            TaskResult second = ingest.handle(task("ingest", "bees.txt"), context());

            assertThat(first.data().get("embedding_model").asText()).isEqualTo("letters-4");
            assertThat(first.data().get("dimensions").asInt()).isEqualTo(4);
            assertThat(first.data().get("chunks").asInt()).isGreaterThan(5);
            assertThat(store.count(new DocumentKey("default", "nature", "bees.txt"))).isEqualTo(first.data().get("chunks").asInt());
            assertThat(second.data().get("unchanged").asBoolean()).isTrue();
            int callsAfterFirst = model.calls.get();
            assertThat(callsAfterFirst).isPositive();
            ingest.handle(task("ingest", "bees.txt"), context());
            assertThat(model.calls.get()).as("an unchanged document is not embedded again").isEqualTo(callsAfterFirst);
        }
    }

    @Test
    void aStoreOfAnotherDimensionIsRefusedWhenTheHandlerIsBuilt() {
        try (ChunkStore store = ChunkStores.file(dataDir, 384)) {
            assertThatThrownBy(() -> IngestHandler.builder().embeddingModel(new LetterModel()).chunkStore(store).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("'chunkStore' holds embeddings of dimension 384 but 'embeddingModel' makes 4;"
                            + " nothing was written");
        }
        assertThatThrownBy(() -> IngestHandler.builder().embeddingModel(new LetterModel()).build())
                .hasMessage("'chunkStore' is required");
        assertThatThrownBy(() -> IngestHandler.builder().split(100, 100)).hasMessageStartingWith("'chunkOverlap'");
    }

    @Test
    void aUsersDocumentParserReplacesTika() {
        DocumentParser upperCase = in -> {
            try {
                return Document.from(new String(in.readAllBytes(), StandardCharsets.UTF_8).toUpperCase());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        DocumentParser broken = in -> {
            throw new IllegalStateException("no such format");
        };
        try (ChunkStore store = ChunkStores.file(dataDir, 4)) {
            put("a.txt", "quiet words here");
            IngestHandler.builder().embeddingModel(new LetterModel()).chunkStore(store).documentParser(upperCase)
                    .build().handle(task("ingest", "a.txt"), context());
            assertThat(store.embeddingStore("default").search(dev.langchain4j.store.embedding.EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(new float[] {1, 1, 1, 1})).maxResults(1).build())
                    .matches().get(0).embedded().text()).isEqualTo("QUIET WORDS HERE");

            IngestHandler empty = IngestHandler.builder().embeddingModel(new LetterModel()).chunkStore(store)
                    .documentParser(broken).build();
            assertThatThrownBy(() -> empty.handle(task("ingest", "a.txt"), context()))
                    .isInstanceOf(PermanentException.class).hasMessageStartingWith("a.txt cannot be parsed by ")
                    .hasMessageEndingWith(": no such format");
        }
    }

    @Test
    void aSummarizeHandlerTakesAUsersChatModel() {
        ChatModel chat = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                return ChatResponse.builder().aiMessage(AiMessage.from("Bees dance.")).build();
            }
        };
        put("bees.txt", "Bees dance to tell where the flowers are. They fly back to the hive.");
        try (SummarizeHandler summarize = SummarizeHandler.builder().chatModel(chat).chatModelName("my-llm").build()) {
            TaskResult result = summarize.handle(task("summarize", "bees.txt"), context());

            assertThat(result.data().get("summary").asText()).isEqualTo("Bees dance.");
            assertThat(result.data().get("model").asText()).isEqualTo("my-llm");
        }
        try (SummarizeHandler extractive = SummarizeHandler.builder().build()) {
            assertThat(extractive.handle(task("summarize", "bees.txt"), context()).data().get("method").asText())
                    .isEqualTo("extractive");
        }
    }

    @Test
    void tikaIsADocumentParserOnItsOwn() {
        DocumentParser parser = TikaParser.builder().maxCharacters(10).build();

        Document document = parser.parse(new ByteArrayInputStream("Hello parser, more than ten characters"
                .getBytes(StandardCharsets.UTF_8)));

        assertThat(document.text()).hasSize(10);
        assertThat(document.metadata().getString("truncated")).isEqualTo("true");
        assertThat(document.metadata().getString("media_type")).startsWith("text/plain");
        assertThatThrownBy(() -> TikaParser.builder().maxBytes(0)).hasMessageStartingWith("'maxBytes'");
    }

    private void put(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        documents.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    private TestTaskContext context() {
        return new TestTaskContext(documents, 1);
    }

    private static dev.queueworker.api.Task task(String type, String filename) {
        return TestTasks.aTask(type).payload("filename", filename).payload("document_set", "nature").build();
    }
}
