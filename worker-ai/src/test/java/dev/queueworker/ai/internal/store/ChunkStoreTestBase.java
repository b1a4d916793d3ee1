package dev.queueworker.ai.internal.store;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.queueworker.ai.ChunkIds;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;

/**
 * What the built-in stores' own tests share: stores opened over one storage and closed after each
 * test, and documents to put in them. What every store does is worker-ai-test's
 * {@code ChunkStoreCompatibilityKit}, which both built-in stores pass; these tests cover what is
 * particular to each.
 */
abstract class ChunkStoreTestBase {
    static final int DIMENSION = 8;
    static final String CLIENT = "alpha";

    private final List<ChunkStore> opened = new ArrayList<>();

    /** Opens a store over this test's storage (the same table or directory on every call). */
    protected abstract ChunkStore openStore(int dimension);

    protected final ChunkStore open(int dimension) {
        ChunkStore store = openStore(dimension);
        opened.add(store);
        return store;
    }

    /** {@link #CLIENT}'s document. */
    static DocumentKey key(String documentSet, String filename) {
        return new DocumentKey(CLIENT, documentSet, filename);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ChunkStore::close);
    }

    /** Every chunk of {@link #CLIENT}'s document set, by id, as retrieval sees it. */
    static Map<String, Row> rows(ChunkStore store, String documentSet) {
        float[] probe = new float[DIMENSION];
        Arrays.fill(probe, 1f);
        return store.embeddingStore(CLIENT).search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(probe))
                        .filter(metadataKey(ChunkStore.DOCUMENT_SET).isEqualTo(documentSet))
                        .maxResults(10_000)
                        .minScore(0.0)
                        .build()).matches().stream()
                .collect(Collectors.toMap(EmbeddingMatch::embeddingId, Row::new, (x, y) -> {
                    throw new AssertionError("id twice: " + x);
                }, TreeMap::new));
    }

    /** One chunk as retrieval returns it (score left out). */
    static final class Row {
        final String filename;
        final String text;
        final List<Float> vector;
        final Map<String, String> metadata;

        Row(EmbeddingMatch<TextSegment> match) {
            filename = match.embedded().metadata().getString(ChunkStore.FILENAME);
            text = match.embedded().text();
            vector = new ArrayList<>();
            for (float value : match.embedding().vector()) {
                vector.add(value);
            }
            metadata = new TreeMap<>();
            match.embedded().metadata().toMap().forEach((key, value) -> metadata.put(key, String.valueOf(value)));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Row && ((Row) other).text.equals(text) && ((Row) other).vector.equals(vector)
                    && ((Row) other).metadata.equals(metadata);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public String toString() {
            return metadata + " " + text;
        }
    }

    /** A client's document in version {@code version}: deterministic ids, texts and fake embeddings. */
    static final class Doc {
        final DocumentKey key;
        final String sha256;
        final List<String> ids = new ArrayList<>();
        final List<Embedding> embeddings = new ArrayList<>();
        final List<TextSegment> segments = new ArrayList<>();

        Doc(String documentSet, String filename, int version, int chunks) {
            this(CLIENT, documentSet, filename, version, chunks);
        }

        Doc(String clientId, String documentSet, String filename, int version, int chunks) {
            this.key = new DocumentKey(clientId, documentSet, filename);
            this.sha256 = sha256(documentSet + "/" + filename + "#" + version);
            for (int i = 0; i < chunks; i++) {
                ids.add(ChunkIds.of(key, i));
                String text = "Chunk " + i + " of " + filename + " in " + documentSet + ", version " + version + ".";
                embeddings.add(fakeEmbedding(text));
                Metadata metadata = new Metadata()
                        .put(ChunkStore.CLIENT_ID, clientId)
                        .put(ChunkStore.DOCUMENT_SET, documentSet)
                        .put(ChunkStore.FILENAME, filename)
                        .put(ChunkStore.CHUNK_INDEX, i)
                        .put(ChunkStore.CONTENT_SHA256, sha256)
                        .put("language", "en")
                        .put("text_sha256", "text-" + version);
                segments.add(TextSegment.from(text, metadata));
            }
        }

        void replaceIn(ChunkStore store) {
            store.replace(key, ids, embeddings, segments);
        }

        List<String> texts() {
            return segments.stream().map(TextSegment::text).collect(Collectors.toList());
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A unit vector of {@link #DIMENSION} drawn from the text: the same text, the same vector. */
    static Embedding fakeEmbedding(String text) {
        Random random = new Random(text.hashCode());
        float[] vector = new float[DIMENSION];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < vector.length; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return Embedding.from(vector);
    }
}
