package dev.queueworker.ai.internal.store;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.queueworker.ai.ChunkIds;
import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.DocumentKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileChunkStoreTest extends ChunkStoreTestBase {
    @TempDir
    Path dataDirectory;

    @Override
    protected ChunkStore openStore(int dimension) {
        return FileChunkStore.open(dataDirectory.resolve("data"), dimension);
    }

    @Test
    void theFileIsWrittenAtEachReplaceAndNoTemporaryFileStays() throws IOException {
        ChunkStore store = open(DIMENSION);
        Path file = dataDirectory.resolve("data").resolve(FileChunkStore.FILE_NAME);
        assertThat(file).doesNotExist();

        new Doc("manuals", "guide.pdf", 1, 3).replaceIn(store);
        String afterFirst = Files.readString(file);
        new Doc("manuals", "guide.pdf", 2, 2).replaceIn(store);

        assertThat(afterFirst).contains("version 1").doesNotContain("version 2");
        assertThat(Files.readString(file)).contains("version 2").doesNotContain("version 1");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactlyInAnyOrder(file, file.resolveSibling(FileChunkStore.LOCK_NAME));
        }
    }

    @Test
    void theDimensionMismatchLeavesTheFileUntouched() throws IOException {
        ChunkStore store = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 3).replaceIn(store);
        Path file = dataDirectory.resolve("data").resolve(FileChunkStore.FILE_NAME);
        byte[] before = Files.readAllBytes(file);

        store.close();
        assertThatThrownBy(() -> open(DIMENSION + 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(FileChunkStore.FILE_NAME).hasMessageContaining("dimension " + DIMENSION)
                .hasMessageContaining("dimension " + (DIMENSION + 1)).hasMessageContaining("nothing was written");

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aFailedWriteLeavesMemoryAndFileAsTheyWere() throws IOException {
        ChunkStore store = open(DIMENSION);
        Doc first = new Doc("manuals", "guide.pdf", 1, 3);
        first.replaceIn(store);
        Path file = dataDirectory.resolve("data").resolve(FileChunkStore.FILE_NAME);
        byte[] before = Files.readAllBytes(file);
        // A directory where the temporary file goes makes the write fail.
        Path blocker = Files.createDirectories(file.resolveSibling(FileChunkStore.FILE_NAME + ".tmp"));
        Files.writeString(blocker.resolve("keep"), "x");

        assertThatThrownBy(() -> new Doc("manuals", "guide.pdf", 2, 1).replaceIn(store))
                .isInstanceOf(dev.queueworker.api.RetryableException.class)
                .hasMessageContaining("cannot write the chunk store file");

        assertThat(store.count(key("manuals", "guide.pdf"))).isEqualTo(3);
        assertThat(store.contentSha256(key("manuals", "guide.pdf"))).contains(first.sha256);
        assertThat(rows(store, "manuals")).hasSize(3);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aCorruptFileIsAClearError() throws IOException {
        Path file = Files.createDirectories(dataDirectory.resolve("data")).resolve(FileChunkStore.FILE_NAME);
        Files.writeString(file, "{ not json");

        assertThatThrownBy(() -> open(DIMENSION)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read the chunk store file").hasMessageContaining(file.toString());
    }

    @Test
    void theSearchViewIsReadOnly() {
        ChunkStore store = open(DIMENSION);

        assertThatThrownBy(() -> store.embeddingStore(CLIENT).add(fakeEmbedding("x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> store.embeddingStore(CLIENT).removeAll())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        ChunkStore first = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 2).replaceIn(first);

        assertThatThrownBy(() -> open(DIMENSION)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is open in another worker").hasMessageContaining("'dataDir'")
                .hasMessageContaining(dataDirectory.resolve("data").toString());

        first.close();
        assertThat(open(DIMENSION).count(key("manuals", "guide.pdf"))).isEqualTo(2);
    }

    /** Two per-client services in one install directory would share ./data: the second one stops. */
    @Test
    void aStoreHeldByAnotherProcessIsRefused() throws Exception {
        Path data = dataDirectory.resolve("data");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolderMain.class.getName(), data.toString(),
                String.valueOf(DIMENSION)).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    holder.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo(LockHolderMain.READY);

            assertThatThrownBy(() -> open(DIMENSION)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is open in another worker");
        } finally {
            holder.getOutputStream().close(); // the holder exits at the end of its input
            assertThat(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(open(DIMENSION).count(key("manuals", "held.pdf"))).isEqualTo(1);
    }

    @Test
    void chunksOfAnEarlierVersionAreClaimedByTheirClientAndKept() throws IOException {
        Path data = Files.createDirectories(dataDirectory.resolve("data"));
        InMemoryEmbeddingStore<TextSegment> old = new InMemoryEmbeddingStore<>();
        for (String client : List.of("alpha", "beta")) {
            for (int i = 0; i < 2; i++) {
                String text = client + " chunk " + i;
                old.add(ChunkIds.of(client, "manuals", "policy.txt", i), fakeEmbedding(text), TextSegment.from(text,
                        new Metadata().put(ChunkStore.DOCUMENT_SET, "manuals").put(ChunkStore.FILENAME, "policy.txt")
                                .put(ChunkStore.CHUNK_INDEX, i).put(ChunkStore.CONTENT_SHA256, "old")));
            }
        }
        Files.writeString(data.resolve(FileChunkStore.FILE_NAME), old.serializeToJson());
        DocumentKey alpha = new DocumentKey("alpha", "manuals", "policy.txt");
        DocumentKey beta = new DocumentKey("beta", "manuals", "policy.txt");

        ChunkStore store = open(DIMENSION);
        assertThat(store.count(alpha)).isZero();
        assertThat(store.claimLegacyChunks("alpha")).isEqualTo(2);
        assertThat(store.claimLegacyChunks("alpha")).isZero();
        assertThat(store.count(alpha)).isEqualTo(2);
        assertThat(store.count(beta)).isZero();
        assertThat(store.contentSha256(alpha)).contains("old");
        store.close();

        ChunkStore reopened = open(DIMENSION);
        assertThat(reopened.count(alpha)).as("the claim is on disk").isEqualTo(2);
        assertThat(reopened.claimLegacyChunks("beta")).isEqualTo(2);
        assertThat(reopened.embeddingStore("beta").search(dev.langchain4j.store.embedding.EmbeddingSearchRequest
                .builder().queryEmbedding(fakeEmbedding("beta chunk 1")).maxResults(10).build()).matches())
                .extracting(match -> match.embedded().text()).containsExactlyInAnyOrder("beta chunk 0", "beta chunk 1");
    }
}
