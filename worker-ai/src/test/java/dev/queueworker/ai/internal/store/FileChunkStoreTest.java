package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.ChunkStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileChunkStoreTest extends ChunkStoreContractTest {
    @TempDir
    Path dataDirectory;

    @Override
    protected ChunkStore openStore(int dimension) {
        return FileChunkStore.open(dataDirectory.resolve("data"), dimension);
    }

    /** One store per data directory and process: the second worker is another thread on the same store. */
    @Override
    protected ChunkStore secondWorker(ChunkStore first) {
        return first;
    }

    @Override
    protected void assertDimensionMismatchMessage(String message, int stored, int wanted) {
        assertThat(message).contains(FileChunkStore.FILE_NAME).contains("dimension " + stored)
                .contains("dimension " + wanted).contains("nothing was written");
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
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void theDimensionMismatchLeavesTheFileUntouched() throws IOException {
        ChunkStore store = open(DIMENSION);
        new Doc("manuals", "guide.pdf", 1, 3).replaceIn(store);
        Path file = dataDirectory.resolve("data").resolve(FileChunkStore.FILE_NAME);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> open(DIMENSION + 1)).isInstanceOf(IllegalStateException.class);

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

        assertThat(store.count("manuals", "guide.pdf")).isEqualTo(3);
        assertThat(store.contentSha256("manuals", "guide.pdf")).contains(first.sha256);
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

        assertThatThrownBy(() -> store.embeddingStore().add(fakeEmbedding("x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> store.embeddingStore().removeAll())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
