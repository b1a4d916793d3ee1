package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.ChunkStore;
import dev.queueworker.ai.ChunkStoreFactory;
import dev.queueworker.ai.ChunkStores;
import dev.queueworker.api.ProviderSettings;
import java.nio.file.Path;

/**
 * worker-ai's built-in chunk stores, found by {@code ServiceLoader} like a plugin's (listed in this
 * module's {@code META-INF/services}): {@code pgvector} and {@code memory} (the file store).
 */
public final class BuiltInChunkStores {

    private BuiltInChunkStores() {
    }

    /** {@code pgvector}: options {@code databaseUrl} (required) and {@code table} (default document_chunks). */
    public static final class PgVector implements ChunkStoreFactory {
        @Override
        public String name() {
            return "pgvector";
        }

        @Override
        public ChunkStore create(ProviderSettings settings, int dimension) {
            String url = settings.option("databaseUrl")
                    .orElseThrow(() -> new IllegalArgumentException("option databaseUrl is required"));
            return ChunkStores.pgvector(url, settings.option("table").orElse(dev.queueworker.ai.AiSettings.DEFAULT_PGVECTOR_TABLE), dimension);
        }
    }

    /** {@code memory}: chunks in memory saved under the option {@code dataDir} (required). */
    public static final class Memory implements ChunkStoreFactory {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public ChunkStore create(ProviderSettings settings, int dimension) {
            String dir = settings.option("dataDir")
                    .orElseThrow(() -> new IllegalArgumentException("option dataDir is required"));
            return ChunkStores.file(Path.of(dir), dimension);
        }
    }
}
