package dev.queueworker.ai;

import dev.queueworker.api.ProviderSettings;

/**
 * Makes a {@link ChunkStore} by name: how the {@code queue-worker} daemon finds a chunk store that
 * is not built in. A plugin jar in the daemon's plugins directory lists its factory in
 * {@code META-INF/services/dev.queueworker.ai.ChunkStoreFactory}; the daemon's configuration selects
 * it by {@link #name()} (docs/plugins.md). In your own code, pass a store to
 * {@link IngestHandler.Builder#chunkStore} or {@link AiHandlers#create(AiSettings, java.util.function.IntFunction)}.
 */
public interface ChunkStoreFactory {

    /** The name the configuration selects it by: lowercase letters, digits and {@code -}. */
    String name();

    /**
     * A new store for embeddings of {@code dimension}.
     *
     * @throws IllegalArgumentException naming the option when an option is missing or wrong
     * @throws IllegalStateException when the storage holds embeddings of another dimension
     */
    ChunkStore create(ProviderSettings settings, int dimension);
}
