package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.queueworker.ai.testing.TestDatabase;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A dozen short documents on distinct subjects, ingested with the local model into pgvector; for at
 * least 8 of 10 questions a chunk of the document holding the answer must rank first.
 */
class RetrievalSanityTest {
    private static final Map<String, String> DOCUMENTS = new LinkedHashMap<>();
    private static final Map<String, String> QUESTIONS = new LinkedHashMap<>();

    static {
        DOCUMENTS.put("bees.txt", "Honeybees live in colonies ruled by a single queen. Worker bees tell their sisters"
                + " where flowers are by performing a waggle dance: the angle of the dance shows the direction of the"
                + " food relative to the sun and its length shows the distance. Drones exist only to mate.");
        DOCUMENTS.put("volcanoes.txt", "A volcano forms where magma from the mantle reaches the surface. Shield"
                + " volcanoes such as Mauna Loa have gentle slopes built by runny basalt lava, while stratovolcanoes"
                + " like Mount Fuji are steep cones of ash and sticky lava that erupt explosively.");
        DOCUMENTS.put("aqueducts.txt", "Roman engineers carried water to their cities through aqueducts that"
                + " sloped gently downhill for dozens of kilometres. The Pont du Gard in southern France is a"
                + " three-tiered aqueduct bridge built in the first century to supply the city of Nîmes.");
        DOCUMENTS.put("photosynthesis.txt", "Plants make sugar from carbon dioxide and water in photosynthesis."
                + " Chlorophyll in the chloroplasts absorbs red and blue light, which is why leaves look green, and"
                + " oxygen is released as a by-product of splitting water molecules.");
        DOCUMENTS.put("jazz.txt", "Jazz was born in New Orleans in the early twentieth century, mixing blues,"
                + " ragtime and brass band music. Louis Armstrong's trumpet solos made improvisation the heart of"
                + " the music, and bebop players such as Charlie Parker later played at blistering tempos.");
        DOCUMENTS.put("chess.txt", "In chess the Sicilian Defence answers the king's pawn opening with c5, fighting"
                + " for the centre from the side. Castling moves the king two squares toward a rook and the rook"
                + " jumps over it; it is the only move in which two pieces move at once.");
        DOCUMENTS.put("coffee.txt", "Coffee plants grow best in the tropics at high altitude. Arabica beans come"
                + " from Coffea arabica and taste sweeter, while robusta beans contain about twice as much caffeine"
                + " and resist disease better. The cherries are picked, dried and roasted before brewing.");
        DOCUMENTS.put("reef.txt", "The Great Barrier Reef off Queensland, Australia, is the largest coral reef"
                + " system on Earth. Corals bleach when warm water makes them expel the algae living in their tissue,"
                + " and repeated marine heatwaves have caused mass bleaching events.");
        DOCUMENTS.put("bicycles.txt", "A bicycle's derailleur moves the chain between sprockets to change gear."
                + " Keeping the tyres inflated to the pressure printed on their sidewall reduces rolling resistance"
                + " and protects the inner tube from pinch punctures.");
        DOCUMENTS.put("sourdough.txt", "Sourdough bread rises thanks to a starter, a culture of wild yeast and"
                + " lactic acid bacteria kept alive by feeding it flour and water. The bacteria produce the sour"
                + " taste, and a long cold fermentation in the fridge deepens the flavour.");
        DOCUMENTS.put("lighthouses.txt", "Lighthouse keepers trimmed the wicks and wound the clockwork that turned"
                + " the lens through the night. A Fresnel lens uses concentric rings of glass prisms to focus the"
                + " lamp into a beam visible more than twenty nautical miles out to sea.");
        DOCUMENTS.put("eclipses.txt", "A total solar eclipse happens when the Moon passes exactly between the Sun"
                + " and the Earth and hides the whole solar disc. Only then can the Sun's corona, its faint outer"
                + " atmosphere, be seen with the naked eye.");

        QUESTIONS.put("How do worker bees show other bees where to find flowers?", "bees.txt");
        QUESTIONS.put("Why do coral reefs turn white when the sea gets too warm?", "reef.txt");
        QUESTIONS.put("Which coffee beans have more caffeine?", "coffee.txt");
        QUESTIONS.put("What makes sourdough taste sour?", "sourdough.txt");
        QUESTIONS.put("How did the Romans bring water into their towns?", "aqueducts.txt");
        QUESTIONS.put("Why are leaves green?", "photosynthesis.txt");
        QUESTIONS.put("Which chess move lets two pieces move at the same time?", "chess.txt");
        QUESTIONS.put("When can you see the corona of the Sun?", "eclipses.txt");
        QUESTIONS.put("What kind of lens focuses a lighthouse beam?", "lighthouses.txt");
        QUESTIONS.put("Where did jazz music begin?", "jazz.txt");
    }

    @Test
    void theDocumentHoldingTheAnswerRanksFirstForAtLeastEightOfTenQuestions() {
        AiSettings settings = AiSettings.builder().clientId("retrieval").databaseUrl(TestDatabase.urlString())
                .pgvectorTable(TestDatabase.newTableName()).build();
        InMemoryDocumentStore documents = new InMemoryDocumentStore();
        try (AiHandlers ai = AiHandlers.create(settings)) {
            for (Map.Entry<String, String> doc : DOCUMENTS.entrySet()) {
                byte[] bytes = doc.getValue().getBytes(StandardCharsets.UTF_8);
                documents.put(doc.getKey(), new ByteArrayInputStream(bytes), bytes.length, "text/plain");
                ai.ingest().handle(TestTasks.aTask("ingest").payload("filename", doc.getKey())
                        .payload("document_set", "sanity").build(), new TestTaskContext(documents, 1));
            }

            List<String> misses = new ArrayList<>();
            for (Map.Entry<String, String> question : QUESTIONS.entrySet()) {
                List<EmbeddingMatch<TextSegment>> matches = ai.embeddingStore().search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(ai.embeddingModel().embed(question.getKey()).content()).maxResults(1).build())
                        .matches();
                String top = matches.get(0).embedded().metadata().getString("filename");
                if (!question.getValue().equals(top)) {
                    misses.add(question.getKey() + " -> " + top);
                }
            }
            System.out.printf("retrieval first-hit: %d/%d (misses: %s)%n", QUESTIONS.size() - misses.size(),
                    QUESTIONS.size(), misses);
            assertThat(QUESTIONS.size() - misses.size()).as("questions answered first; misses: %s", misses)
                    .isGreaterThanOrEqualTo(8);
        }
    }
}
