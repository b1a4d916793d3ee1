package dev.queueworker.core.internal;

import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.DocumentStoreFactory;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.QueueProviderFactory;
import dev.queueworker.core.FileSystemDocumentStore;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.InMemoryQueueProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * worker-core's built-in queue provider and document stores, found by {@code ServiceLoader} like a
 * plugin's (listed in this module's {@code META-INF/services}): {@code mock}, {@code memory} and
 * {@code filesystem}.
 */
public final class BuiltInFactories {

    private BuiltInFactories() {
    }

    /** {@code mock}: an {@link InMemoryQueueProvider}, lost when the process ends. No options. */
    public static final class MockQueue implements QueueProviderFactory {
        @Override
        public String name() {
            return "mock";
        }

        @Override
        public QueueProvider create(ProviderSettings settings) {
            return new InMemoryQueueProvider();
        }
    }

    /** {@code memory}: an {@link InMemoryDocumentStore}. No options. */
    public static final class MemoryDocuments implements DocumentStoreFactory {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public DocumentStore create(ProviderSettings settings) {
            return new InMemoryDocumentStore();
        }
    }

    /** {@code filesystem}: a {@link FileSystemDocumentStore} in the option {@code directory}, created when missing. */
    public static final class FileSystemDocuments implements DocumentStoreFactory {
        @Override
        public String name() {
            return "filesystem";
        }

        /** @throws UncheckedIOException when the directory cannot be created */
        @Override
        public DocumentStore create(ProviderSettings settings) {
            Path dir = Path.of(settings.option("directory")
                    .orElseThrow(() -> new IllegalArgumentException("option directory is required")));
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new FileSystemDocumentStore(dir);
        }
    }
}
