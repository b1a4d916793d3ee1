package dev.queueworker.test;

import dev.queueworker.api.DocumentStore;
import dev.queueworker.core.FileSystemDocumentStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileSystemDocumentStoreCompatibilityTest extends DocumentStoreCompatibilityKit {
    @TempDir
    Path root;

    @Override
    protected DocumentStore createStore() {
        return new FileSystemDocumentStore(root.resolve("documents"));
    }

    @Override
    protected boolean storesContentType() {
        return false;
    }
}
