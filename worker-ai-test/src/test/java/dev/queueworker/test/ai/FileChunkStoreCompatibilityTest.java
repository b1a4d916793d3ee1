package dev.queueworker.test.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.ChunkStores;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The file store passes the kit. */
class FileChunkStoreCompatibilityTest extends ChunkStoreCompatibilityKit {
    @TempDir
    Path dataDirectory;

    @Override
    protected ChunkStore openStore(int dimension) {
        return ChunkStores.file(dataDirectory, dimension);
    }

    /** One store per data directory and process: the second worker is another thread on the same store. */
    @Override
    protected ChunkStore secondWorker(ChunkStore first) {
        return first;
    }

    @Override
    protected void assertDimensionMismatchMessage(String message, int stored, int wanted) {
        assertThat(message).contains("dimension " + stored).contains("dimension " + wanted)
                .contains("nothing was written");
    }
}
