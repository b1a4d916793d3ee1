package dev.queueworker.test.ai;

import dev.queueworker.ai.ChunkIds;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import dev.queueworker.ai.StoredChunk;
import dev.queueworker.api.PermanentException;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ChunkStore} does: the compatibility kit each implementation's test extends in a
 * few lines, saying how to open a store over the same storage again (the same table, directory or
 * shared map on every call). The kit checks the ingest handler's needs: a document's chunks replaced
 * atomically (also under concurrent replaces and deletes from two workers), the document-wide
 * {@code content_sha256} and {@code text_sha256} read back for the unchanged check, deletes that
 * touch one document only, bad input refused without a write, retrieval with metadata, persistence,
 * a store of another dimension refused, and clients kept apart: two clients with documents of the
 * same set and name, with different or identical content, re-ingested and deleted, each keep their
 * own chunks, and no search of one returns the other's.
 *
 * <pre>{@code
 * class MyChunkStoreTest extends ChunkStoreCompatibilityKit {
 *     private final Map<String, MyChunkStore.Row> storage = new ConcurrentHashMap<>();
 *
 *     protected ChunkStore openStore(int dimension) {
 *         return new MyChunkStore(storage, dimension);
 *     }
 *
 *     protected void assertDimensionMismatchMessage(String message, int stored, int wanted) {
 *         assertThat(message).contains("dimension " + stored);
 *     }
 * }
 * }</pre>
 */
public abstract class ChunkStoreCompatibilityKit {
    /** The dimension of the kit's embeddings. */
    protected static final int DIMENSION = 8;
    /** The client of the kit's documents unless a test names another. */
    protected static final String CLIENT = "alpha";
    /** The other client of the tests that keep clients apart. */
    protected static final String OTHER_CLIENT = "beta";

    private final List<ChunkStore> opened = new ArrayList<>();

    /** Opens a store over this test's storage (the same table or directory on every call). */
    protected abstract ChunkStore openStore(int dimension);

    /** Checks the message refusing a store of {@code wanted} over storage holding {@code stored}. */
    protected abstract void assertDimensionMismatchMessage(String message, int stored, int wanted);

    /**
     * A second worker on the same storage, for the concurrency tests and as the other client's
     * worker in the tests that keep clients apart; a separate store by default.
     */
    protected ChunkStore secondWorker(ChunkStore first) {
        return open(first.dimension());
    }

    protected final ChunkStore open(int dimension) {
        ChunkStore store = openStore(dimension);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeKitStores() {
        opened.forEach(ChunkStore::close);
    }

    @Test
    void replacingTwiceLeavesIdenticalRows() {
        ChunkStore store = open(DIMENSION);
        Doc doc = new Doc("manuals", "guide.pdf", 1, 5);

        doc.replaceIn(store);
        Map<String, Row> first = rows(store, "manuals");
        doc.replaceIn(store);

        assertThat(first).hasSize(5);
        assertThat(rows(store, "manuals")).isEqualTo(first);
        assertThat(store.count(key("manuals", "guide.pdf"))).isEqualTo(5);
    }

    @Test
    void aShortenedDocumentLeavesNoStaleChunks() {
        ChunkStore store = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 5).replaceIn(store);
        Doc other = new Doc("manuals", "other.pdf", 1, 4);
        other.replaceIn(store);

        Doc shorter = new Doc("manuals", "guide.pdf", 2, 3);
        shorter.replaceIn(store);

        assertThat(store.count(key("manuals", "guide.pdf"))).isEqualTo(3);
        Map<String, Row> rows = rows(store, "manuals");
        assertThat(rows.values().stream().filter(row -> row.filename.equals("guide.pdf")).map(row -> row.text))
                .containsExactlyInAnyOrder(shorter.texts().toArray(new String[0]));
        assertThat(rows.keySet()).containsAll(shorter.ids).containsAll(other.ids).hasSize(3 + 4);
        assertThat(store.count(key("manuals", "other.pdf"))).isEqualTo(4);
    }

    @Test
    void emptyListsDeleteTheDocument() {
        ChunkStore store = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 3).replaceIn(store);

        store.replace(key("manuals", "guide.pdf"), List.of(), List.of(), List.of());

        assertThat(store.count(key("manuals", "guide.pdf"))).isZero();
        assertThat(store.contentSha256(key("manuals", "guide.pdf"))).isEmpty();
        assertThat(rows(store, "manuals")).isEmpty();
    }

    @Test
    void concurrentReplacesOfTheSameDocumentLeaveTheRowsOfOneRun() throws Exception {
        ChunkStore first = open(DIMENSION);
        ChunkStore second = secondWorker(first);
        Doc same = new Doc("manuals", "guide.pdf", 2, 4);
        same.replaceIn(first);
        Map<String, Row> single = rows(first, "manuals");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                new Doc("manuals", "guide.pdf", 1, 7).replaceIn(first);
                race(pool, () -> same.replaceIn(first), () -> same.replaceIn(second));
                assertThat(rows(first, "manuals")).as("round %d", round).isEqualTo(single);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentReplacesWithDifferentContentNeverMix() throws Exception {
        ChunkStore first = open(DIMENSION);
        ChunkStore second = secondWorker(first);
        Doc shortVersion = new Doc("manuals", "guide.pdf", 2, 3);
        Doc longVersion = new Doc("manuals", "guide.pdf", 3, 6);
        shortVersion.replaceIn(first);
        Map<String, Row> shortRows = rows(first, "manuals");
        longVersion.replaceIn(first);
        Map<String, Row> longRows = rows(first, "manuals");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                new Doc("manuals", "guide.pdf", 1, 9).replaceIn(first);
                race(pool, () -> shortVersion.replaceIn(first), () -> longVersion.replaceIn(second));
                assertThat(rows(first, "manuals")).as("round %d", round).isIn(shortRows, longRows);
                assertThat(first.contentSha256(key("manuals", "guide.pdf")).orElseThrow())
                        .isIn(shortVersion.sha256, longVersion.sha256);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aConcurrentDeleteAndReplaceNeverMix() throws Exception {
        ChunkStore first = open(DIMENSION);
        ChunkStore second = secondWorker(first);
        Doc longVersion = new Doc("manuals", "guide.pdf", 3, 8);
        longVersion.replaceIn(first);
        Map<String, Row> longRows = rows(first, "manuals");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                new Doc("manuals", "guide.pdf", 1, 2).replaceIn(first);
                race(pool, () -> first.replace(key("manuals", "guide.pdf"), List.of(), List.of(), List.of()),
                        () -> longVersion.replaceIn(second));
                assertThat(rows(first, "manuals")).as("round %d", round).isIn(Map.of(), longRows);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteRemovesOneDocumentOnly() {
        ChunkStore store = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 3).replaceIn(store);
        Doc other = new Doc("manuals", "other.pdf", 1, 2);
        other.replaceIn(store);

        store.delete(key("manuals", "guide.pdf"));
        store.delete(key("manuals", "never-stored.pdf"));

        assertThat(store.count(key("manuals", "guide.pdf"))).isZero();
        assertThat(store.contentSha256(key("manuals", "guide.pdf"))).isEmpty();
        assertThat(rows(store, "manuals").keySet()).containsExactlyInAnyOrderElementsOf(other.ids);
    }

    @Test
    void contentSha256IsTheOneOfTheStoredChunks() {
        ChunkStore store = open(DIMENSION);
        assertThat(store.contentSha256(key("manuals", "guide.pdf"))).isEmpty();

        Doc v1 = new Doc("manuals", "guide.pdf", 1, 2);
        v1.replaceIn(store);
        Doc elsewhere = new Doc("other-set", "guide.pdf", 5, 2);
        elsewhere.replaceIn(store);
        assertThat(store.contentSha256(key("manuals", "guide.pdf"))).contains(v1.sha256);

        Doc v2 = new Doc("manuals", "guide.pdf", 2, 2);
        v2.replaceIn(store);
        assertThat(store.contentSha256(key("manuals", "guide.pdf"))).contains(v2.sha256);
        assertThat(store.contentSha256(key("other-set", "guide.pdf"))).contains(elsewhere.sha256);
        assertThat(store.contentSha256(key("manuals", "missing.pdf"))).isEmpty();
        assertThat(v1.sha256).isNotEqualTo(v2.sha256);
        assertThat(store.documentValue(key("manuals", "guide.pdf"), "text_sha256")).contains("text-2");
        assertThat(store.documentValue(key("other-set", "guide.pdf"), "text_sha256")).contains("text-5");
        assertThat(store.documentValue(key("manuals", "guide.pdf"), "no_such_key")).isEmpty();
        assertThat(store.documentValue(key("manuals", "missing.pdf"), "text_sha256")).isEmpty();
    }

    /** Lists of different sizes, an id that is no UUID, another dimension, another document's or client's chunks. */
    @Test
    void badInputIsRefusedAndWritesNothing() {
        ChunkStore store = open(DIMENSION);
        Doc doc = new Doc("manuals", "guide.pdf", 1, 2);
        doc.replaceIn(store);
        Map<String, Row> before = rows(store, "manuals");
        Doc next = new Doc("manuals", "guide.pdf", 2, 3);

        assertThatThrownBy(() -> store.replace(key("manuals", "guide.pdf"), next.ids.subList(0, 2), next.embeddings,
                next.segments)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.replace(key("manuals", "guide.pdf"), List.of("chunk-1", "b", "c"), next.embeddings,
                next.segments)).isInstanceOf(IllegalArgumentException.class);
        List<Embedding> wide = new ArrayList<>(next.embeddings);
        wide.set(2, Embedding.from(new float[DIMENSION + 1]));
        assertThatThrownBy(() -> store.replace(key("manuals", "guide.pdf"), next.ids, wide, next.segments))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.replace(key("manuals", "other.pdf"), next.ids, next.embeddings, next.segments))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.replace(new DocumentKey(OTHER_CLIENT, "manuals", "guide.pdf"), next.ids,
                next.embeddings, next.segments)).as("segments of another client").isInstanceOf(IllegalArgumentException.class);

        assertThat(rows(store, "manuals")).isEqualTo(before);
    }

    @Test
    void searchFindsTheChunksWithTheirMetadata() {
        ChunkStore store = open(DIMENSION);
        Doc guide = new Doc("manuals", "guide.pdf", 1, 4);
        guide.replaceIn(store);
        new Doc("manuals", "other.pdf", 1, 4).replaceIn(store);
        new Doc("elsewhere", "guide.pdf", 1, 4).replaceIn(store);

        List<EmbeddingMatch<TextSegment>> matches = store.embeddingStore(CLIENT).search(EmbeddingSearchRequest.builder()
                .queryEmbedding(guide.embeddings.get(2))
                .filter(metadataKey(ChunkStore.DOCUMENT_SET).isEqualTo("manuals"))
                .maxResults(3)
                .build()).matches();

        assertThat(matches).hasSize(3);
        EmbeddingMatch<TextSegment> best = matches.get(0);
        assertThat(best.embeddingId()).isEqualTo(guide.ids.get(2));
        assertThat(best.score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        Metadata metadata = best.embedded().metadata();
        assertThat(metadata.getInteger(ChunkStore.CHUNK_INDEX)).isEqualTo(2);
        assertThat(metadata.getString(ChunkStore.FILENAME)).isEqualTo("guide.pdf");
        assertThat(metadata.getString(ChunkStore.CONTENT_SHA256)).isEqualTo(guide.sha256);
        assertThat(metadata.getString("language")).isEqualTo("en");
        assertThat(best.embedded().text()).isEqualTo(guide.texts().get(2));
        assertThat(matches).allSatisfy(match ->
                assertThat(match.embedded().metadata().getString(ChunkStore.DOCUMENT_SET)).isEqualTo("manuals"));
    }

    @Test
    void chunksSurviveReopening() {
        ChunkStore store = open(DIMENSION);
        Doc doc = new Doc("manuals", "guide.pdf", 1, 3);
        doc.replaceIn(store);
        Map<String, Row> before = rows(store, "manuals");
        store.close();

        ChunkStore reopened = open(DIMENSION);

        assertThat(rows(reopened, "manuals")).isEqualTo(before);
        assertThat(reopened.count(key("manuals", "guide.pdf"))).isEqualTo(3);
        assertThat(reopened.contentSha256(key("manuals", "guide.pdf"))).contains(doc.sha256);
        assertThat(reopened.documentValue(key("manuals", "guide.pdf"), "text_sha256")).contains("text-1");
        new Doc("manuals", "guide.pdf", 2, 1).replaceIn(reopened);
        assertThat(reopened.count(key("manuals", "guide.pdf"))).isEqualTo(1);
    }

    @Test
    void aStoreOfAnotherDimensionIsRefusedAndWritesNothing() {
        ChunkStore store = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 3).replaceIn(store);
        Map<String, Row> before = rows(store, "manuals");
        store.close();

        assertThatThrownBy(() -> open(DIMENSION * 2))
                .isInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertDimensionMismatchMessage(e.getMessage(), DIMENSION, DIMENSION * 2));

        ChunkStore reopened = open(DIMENSION);
        assertThat(rows(reopened, "manuals")).isEqualTo(before);
        assertThat(reopened.dimension()).isEqualTo(DIMENSION);
    }

    @Test
    void twoClientsWithTheSameDocumentNameKeepTheirOwnChunks() {
        ChunkStore alpha = open(DIMENSION);
        ChunkStore beta = secondWorker(alpha);
        Doc alphas = new Doc(CLIENT, "manuals", "policy.txt", 1, 5);
        alphas.replaceIn(alpha);
        Map<String, Row> alphaRows = rows(alpha, CLIENT, "manuals");

        Doc betas = new Doc(OTHER_CLIENT, "manuals", "policy.txt", 2, 3);
        betas.replaceIn(beta);

        assertThat(rows(alpha, CLIENT, "manuals")).as("alpha's chunks after beta's ingest").isEqualTo(alphaRows);
        assertThat(alpha.count(alphas.key)).isEqualTo(5);
        assertThat(beta.count(betas.key)).isEqualTo(3);
        assertThat(alpha.contentSha256(alphas.key)).contains(alphas.sha256);
        assertThat(beta.contentSha256(betas.key)).contains(betas.sha256);
        assertThat(rows(beta, OTHER_CLIENT, "manuals").keySet()).containsExactlyInAnyOrderElementsOf(betas.ids);
    }

    /** The unchanged check of one client must not see another client's identical document. */
    @Test
    void identicalContentOfAnotherClientIsNotThisClientsDocument() {
        ChunkStore alpha = open(DIMENSION);
        ChunkStore beta = secondWorker(alpha);
        Doc alphas = new Doc(CLIENT, "manuals", "handbook.txt", 1, 2);
        alphas.replaceIn(alpha);
        Doc betas = new Doc(OTHER_CLIENT, "manuals", "handbook.txt", 1, 2);

        assertThat(beta.contentSha256(betas.key)).isEmpty();
        assertThat(beta.documentValue(betas.key, "text_sha256")).isEmpty();
        assertThat(beta.count(betas.key)).isZero();

        betas.replaceIn(beta);
        assertThat(betas.sha256).isEqualTo(alphas.sha256);
        assertThat(alpha.count(alphas.key)).isEqualTo(2);
        assertThat(beta.count(betas.key)).isEqualTo(2);
        assertThat(rows(alpha, CLIENT, "manuals").keySet()).containsExactlyInAnyOrderElementsOf(alphas.ids);
        assertThat(rows(beta, OTHER_CLIENT, "manuals").keySet()).containsExactlyInAnyOrderElementsOf(betas.ids);
    }

    @Test
    void reIngestAndDeleteOfOneClientLeaveTheOthersChunksIntact() {
        ChunkStore alpha = open(DIMENSION);
        ChunkStore beta = secondWorker(alpha);
        new Doc(CLIENT, "manuals", "policy.txt", 1, 4).replaceIn(alpha);
        Doc betas = new Doc(OTHER_CLIENT, "manuals", "policy.txt", 1, 4);
        betas.replaceIn(beta);
        Map<String, Row> betaRows = rows(beta, OTHER_CLIENT, "manuals");

        Doc shorter = new Doc(CLIENT, "manuals", "policy.txt", 2, 2);
        shorter.replaceIn(alpha);
        assertThat(rows(beta, OTHER_CLIENT, "manuals")).as("beta's after alpha's re-ingest").isEqualTo(betaRows);
        assertThat(alpha.count(shorter.key)).isEqualTo(2);

        alpha.delete(shorter.key);
        assertThat(alpha.count(shorter.key)).isZero();
        assertThat(rows(beta, OTHER_CLIENT, "manuals")).as("beta's after alpha's delete").isEqualTo(betaRows);
        assertThat(beta.contentSha256(betas.key)).contains(betas.sha256);

        Doc again = new Doc(CLIENT, "manuals", "policy.txt", 3, 3);
        again.replaceIn(alpha);
        beta.delete(betas.key);
        assertThat(beta.count(betas.key)).isZero();
        assertThat(rows(alpha, CLIENT, "manuals").keySet()).as("alpha's after beta's delete")
                .containsExactlyInAnyOrderElementsOf(again.ids);
    }

    @Test
    void noSearchOfOneClientReturnsAnothersChunks() {
        ChunkStore alpha = open(DIMENSION);
        ChunkStore beta = secondWorker(alpha);
        new Doc(CLIENT, "manuals", "policy.txt", 1, 3).replaceIn(alpha);
        Doc betas = new Doc(OTHER_CLIENT, "manuals", "policy.txt", 2, 3);
        betas.replaceIn(beta);

        for (ChunkStore store : List.of(alpha, beta)) {
            List<EmbeddingMatch<TextSegment>> exact = store.embeddingStore(CLIENT).search(EmbeddingSearchRequest
                    .builder().queryEmbedding(betas.embeddings.get(0)).maxResults(100).minScore(0.0).build()).matches();
            assertThat(exact).hasSize(3).allSatisfy(match ->
                    assertThat(match.embedded().metadata().getString(ChunkStore.CLIENT_ID)).isEqualTo(CLIENT));
            List<EmbeddingMatch<TextSegment>> asked = store.embeddingStore(CLIENT).search(EmbeddingSearchRequest
                    .builder().queryEmbedding(betas.embeddings.get(0)).maxResults(100).minScore(0.0)
                    .filter(metadataKey(ChunkStore.CLIENT_ID).isEqualTo(OTHER_CLIENT)).build()).matches();
            assertThat(asked).as("a filter naming the other client, through this client's view").isEmpty();
        }
        assertThatThrownBy(() -> alpha.embeddingStore(CLIENT).removeAll())
                .as("the search view is read-only").isInstanceOf(UnsupportedOperationException.class);
    }

    /** Chunk ids come from the ingest handler and include the client: one that is another client's is refused. */
    @Test
    void anIdOfAnotherClientsChunkIsRefusedAndWritesNothing() {
        ChunkStore alpha = open(DIMENSION);
        ChunkStore beta = secondWorker(alpha);
        Doc alphas = new Doc(CLIENT, "manuals", "policy.txt", 1, 2);
        alphas.replaceIn(alpha);
        Map<String, Row> before = rows(alpha, CLIENT, "manuals");
        Doc betas = new Doc(OTHER_CLIENT, "manuals", "policy.txt", 2, 2);

        assertThatThrownBy(() -> beta.replace(betas.key, alphas.ids, betas.embeddings, betas.segments))
                .isInstanceOf(PermanentException.class);

        assertThat(rows(alpha, CLIENT, "manuals")).isEqualTo(before);
        assertThat(beta.count(betas.key)).isZero();
    }

    /** Runs both at once (as far as threads go) and waits for both, failing on either's exception. */
    private static void race(ExecutorService pool, Runnable one, Runnable other) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Future<?> a = pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            one.run();
            return null;
        });
        Future<?> b = pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            other.run();
            return null;
        });
        a.get(30, TimeUnit.SECONDS);
        b.get(30, TimeUnit.SECONDS);
    }

    /** {@link #CLIENT}'s document. */
    protected static DocumentKey key(String documentSet, String filename) {
        return new DocumentKey(CLIENT, documentSet, filename);
    }

    /** Every chunk of {@link #CLIENT}'s document set, by id, as retrieval sees it. */
    protected static Map<String, Row> rows(ChunkStore store, String documentSet) {
        return rows(store, CLIENT, documentSet);
    }

    /** Every chunk of the client's document set, by id, as that client's retrieval sees it. */
    protected static Map<String, Row> rows(ChunkStore store, String clientId, String documentSet) {
        float[] probe = new float[DIMENSION];
        Arrays.fill(probe, 1f);
        return store.embeddingStore(clientId).search(EmbeddingSearchRequest.builder()
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
    protected static final class Row {
        public final String filename;
        public final String text;
        public final List<Float> vector;
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

    /**
     * A client's document in version {@code version}: the ingest handler's ids ({@link ChunkIds}),
     * deterministic texts and fake embeddings. The same set, name and version give the same content
     * for every client.
     */
    protected static final class Doc {
        public final DocumentKey key;
        public final String sha256;
        public final List<String> ids = new ArrayList<>();
        public final List<Embedding> embeddings = new ArrayList<>();
        public final List<TextSegment> segments = new ArrayList<>();

        /** {@link #CLIENT}'s document. */
        public Doc(String documentSet, String filename, int version, int chunks) {
            this(CLIENT, documentSet, filename, version, chunks);
        }

        public Doc(String clientId, String documentSet, String filename, int version, int chunks) {
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

        public void replaceIn(ChunkStore store) {
            store.replace(key, ids, embeddings, segments);
        }

        List<String> texts() {
            return segments.stream().map(TextSegment::text).collect(Collectors.toList());
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A unit vector of {@link #DIMENSION} drawn from the text: the same text, the same vector. */
    protected static Embedding fakeEmbedding(String text) {
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

    /**
     * {@link ChunkStore#storedChunks} gives the document's own chunks back whole, or nothing (the
     * default: the ingest handler then embeds every chunk again); never another client's.
     */
    @Test
    void storedChunksAreTheDocumentsOwnWithTheirEmbeddingsOrNone() {
        ChunkStore store = open(DIMENSION);
        Doc mine = new Doc("manuals", "stored.txt", 1, 3);
        Doc theirs = new Doc(OTHER_CLIENT, "manuals", "stored.txt", 2, 2);
        mine.replaceIn(store);
        theirs.replaceIn(store);

        Map<String, StoredChunk> stored = store.storedChunks(mine.key);

        assertThat(store.storedChunks(key("manuals", "missing.txt"))).isEmpty();
        if (stored.isEmpty()) {
            return; // the store does not read embeddings back: allowed
        }
        assertThat(stored).containsOnlyKeys(mine.ids);
        for (int i = 0; i < mine.ids.size(); i++) {
            StoredChunk chunk = stored.get(mine.ids.get(i));
            assertThat(chunk.segment().text()).isEqualTo(mine.segments.get(i).text());
            assertThat(chunk.segment().metadata().getString(ChunkStore.CLIENT_ID)).isEqualTo(CLIENT);
            assertThat(chunk.segment().metadata().getString("text_sha256")).isEqualTo("text-1");
            assertThat(chunk.embedding().vector()).containsExactly(mine.embeddings.get(i).vector());
        }
        assertThat(store.storedChunks(theirs.key)).containsOnlyKeys(theirs.ids);
    }
}
