package com.example.chunks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.ai.ChunkStore;
import dev.queueworker.test.ai.ChunkStoreCompatibilityKit;

/** Our store keeps the contract every built-in store keeps: the kit's tests run against it. */
class MapChunkStoreTest extends ChunkStoreCompatibilityKit {
    private final MapChunkStore.Storage storage = new MapChunkStore.Storage();

    @Override
    protected ChunkStore openStore(int dimension) {
        return new MapChunkStore(storage, dimension);
    }

    @Override
    protected void assertDimensionMismatchMessage(String message, int stored, int wanted) {
        assertThat(message).contains("dimension " + stored).contains("dimension " + wanted);
    }
}
