package dev.queueworker.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.queueworker.ai.testing.QualityCorpus;
import dev.queueworker.ai.testing.TestDatabase;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.test.TestTaskContext;
import dev.queueworker.test.TestTasks;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's measurements on {@link QualityCorpus}, ingested with the local model into pgvector and
 * summarized extractively at 60 and 150 words. Prints one line per document, then checks:
 * <ul>
 *   <li>no summary holds a sentence twice, nor two sentences sharing more than
 *       {@value #MAX_OVERLAP} of the shorter one's content words (words of three or more letters
 *       outside {@link #STOP_WORDS}), nor header or footer text;</li>
 *   <li>no stored chunk of a document holds its header or footer text;</li>
 *   <li>every content sentence of every document is found whole in one of its chunks;</li>
 *   <li>for at least {@value #MIN_RETRIEVAL_HITS} of the 12 {@link #QUESTIONS}, the best-matching chunk
 *       of the whole corpus holds the answer.</li>
 * </ul>
 * Only public API is used, so the same test measures an earlier version of the code.
 */
class SummaryAndChunkQualityTest {
    static final double MAX_OVERLAP = 0.6;
    static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "are", "with", "their", "they", "this",
            "that", "from", "into", "per", "our", "all", "any", "has", "have", "was", "were", "been", "who", "may",
            "can", "its", "not", "but", "than", "then", "each", "every", "which", "when", "will", "one", "two", "out");
    /** Questions on the corpus and a phrase of the answer, which the best-matching chunk must hold. */
    static final String[][] QUESTIONS = {
        {"How many days a week can employees work from home?", "work remotely up to three days per week"},
        {"Which expenses need a receipt?", "Receipts are required for every item above fifteen pounds"},
        {"What is the daily meal allowance on business trips?", "daily meal allowance"},
        {"Who is allowed to drive a forklift?", "Forklifts are driven only by staff who hold a current licence"},
        {"How much paid annual leave do full-time staff get?", "twenty-eight days of paid annual leave"},
        {"How long must a password be?", "Passwords are at least fourteen characters long"},
        {"How many electric vans did the board approve?", "twelve electric delivery vans"},
        {"When does the new route planning system go live?", "route planning system goes live"},
        {"How much money did the charity fun run raise?", "four thousand pounds"},
        {"How long are delivery addresses kept?", "Delivery addresses are kept for twelve months"},
        {"How quickly must the regulator be told about a data breach?", "seventy-two hours"},
        {"What was the on-time delivery rate in March?", "ninety-six percent"},
    };
    /**
     * 12 of 12 before page boilerplate removal, 11 after: "How long must a password be?" then ranks a
     * control chunk first and the handbook's second, the chunk boundaries having moved by a line.
     */
    static final int MIN_RETRIEVAL_HITS = 11;
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");

    private final String table = TestDatabase.newTableName();

    @AfterEach
    void dropTable() {
        TestDatabase.dropTable(table);
    }

    @Test
    void summariesHoldNoRepeatsAndChunksNoPageBoilerplateNorLoseContent() throws SQLException {
        InMemoryDocumentStore documents = new InMemoryDocumentStore();
        List<String> failures = new ArrayList<>();
        int chunksTotal = 0;
        int furnitureChunksTotal = 0;
        try (AiHandlers ai = AiHandlers.create(AiSettings.builder().clientId("quality").databaseUrl(TestDatabase.urlString())
                .pgvectorTable(table).build())) {
            for (QualityCorpus.Doc doc : QualityCorpus.documents()) {
                documents.put(doc.name(), new ByteArrayInputStream(doc.bytes()), doc.bytes().length, null);
                ai.ingest().handle(task("ingest", doc.name()).build(), new TestTaskContext(documents, 1));
                List<String> chunks = chunks(doc.name());
                long furnitureChunks = chunks.stream().filter(chunk -> hasFurniture(chunk, doc)).count();
                List<String> missing = doc.sentences().stream()
                        .filter(sentence -> chunks.stream().noneMatch(chunk -> collapse(chunk).contains(sentence)))
                        .toList();
                chunksTotal += chunks.size();
                furnitureChunksTotal += furnitureChunks;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "quality %-13s chunks=%2d furniture_chunks=%2d (%3.0f%%) missing_sentences=%d/%d",
                        doc.name(), chunks.size(), furnitureChunks, 100.0 * furnitureChunks / chunks.size(),
                        missing.size(), doc.sentences().size()));
                if (!missing.isEmpty()) {
                    failures.add(doc.name() + " lost " + missing);
                }
                if (furnitureChunks > 0) {
                    failures.add(doc.name() + ": " + furnitureChunks + " chunks hold header or footer text");
                }
                for (int maxWords : new int[] {60, 150}) {
                    TaskResult result = ai.summarize().handle(task("summarize", doc.name()).payload("max_words", maxWords)
                            .build(), new TestTaskContext(documents, 1));
                    String summary = result.data().get("summary").asText();
                    List<String> sentences = List.of(SENTENCE_END.split(summary.strip()));
                    int duplicates = sentences.size() - new HashSet<>(sentences.stream().map(this::key).toList()).size();
                    double overlap = maxOverlap(sentences);
                    boolean furniture = hasFurniture(summary, doc);
                    line.append(String.format(Locale.ROOT, " | summary%d: sentences=%d duplicates=%d max_overlap=%.2f%s",
                            maxWords, sentences.size(), duplicates, overlap, furniture ? " furniture" : ""));
                    if (duplicates > 0 || overlap > MAX_OVERLAP || furniture) {
                        failures.add(doc.name() + " at " + maxWords + " words: " + summary);
                    }
                }
                System.out.println(line);
            }
            int hits = 0;
            int inTopThree = 0;
            List<String> misses = new ArrayList<>();
            for (String[] question : QUESTIONS) {
                List<String> top = ai.embeddingStore().search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(ai.embeddingModel().embed(question[0]).content()).maxResults(3).build())
                        .matches().stream().map(match -> collapse(match.embedded().text())).toList();
                if (top.get(0).contains(question[1])) {
                    hits++;
                } else {
                    misses.add(question[0] + " -> " + top.get(0));
                }
                if (top.stream().anyMatch(chunk -> chunk.contains(question[1]))) {
                    inTopThree++;
                }
            }
            System.out.printf(Locale.ROOT, "quality retrieval first-hit: %d/%d, in the top 3: %d/%d (misses: %s)%n", hits,
                    QUESTIONS.length, inTopThree, QUESTIONS.length, misses);
            if (hits < MIN_RETRIEVAL_HITS) {
                failures.add("retrieval: " + hits + " first hits, misses " + misses);
            }
        }
        System.out.printf(Locale.ROOT, "quality all: chunks=%d furniture_chunks=%d (%.1f%%)%n", chunksTotal,
                furnitureChunksTotal, 100.0 * furnitureChunksTotal / chunksTotal);
        assertThat(failures).isEmpty();
    }

    private static TestTasks task(String type, String filename) {
        return TestTasks.aTask(type).payload("filename", filename).payload("document_set", "quality");
    }

    private List<String> chunks(String filename) throws SQLException {
        List<String> chunks = new ArrayList<>();
        try (Connection connection = TestDatabase.connect();
             PreparedStatement select = connection.prepareStatement("SELECT text FROM " + table
                     + " WHERE metadata->>'filename' = ? ORDER BY (metadata->>'chunk_index')::int")) {
            select.setString(1, filename);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    chunks.add(rows.getString(1));
                }
            }
        }
        return chunks;
    }

    private static boolean hasFurniture(String text, QualityCorpus.Doc doc) {
        return doc.furnitureMarks().stream().anyMatch(mark -> Pattern.compile(mark).matcher(text).find());
    }

    private static String collapse(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private String key(String sentence) {
        return sentence.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
    }

    private static Set<String> contentWords(String sentence) {
        Set<String> words = new HashSet<>(Arrays.asList(sentence.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")));
        words.removeIf(word -> word.length() < 3 || STOP_WORDS.contains(word));
        return words;
    }

    /** The largest share of the shorter sentence's content words found in another sentence of the summary. */
    private static double maxOverlap(List<String> sentences) {
        double max = 0;
        for (int i = 0; i < sentences.size(); i++) {
            for (int j = i + 1; j < sentences.size(); j++) {
                Set<String> a = contentWords(sentences.get(i));
                Set<String> b = contentWords(sentences.get(j));
                if (a.isEmpty() || b.isEmpty()) {
                    continue;
                }
                Set<String> shared = new HashSet<>(a);
                shared.retainAll(b);
                max = Math.max(max, (double) shared.size() / Math.min(a.size(), b.size()));
            }
        }
        return max;
    }
}
