package dev.queueworker.azure;

import dev.queueworker.test.Azurite;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.test.DocumentStoreCompatibilityKit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The document store contract, against a real Azurite: one process per class, a fresh container per test. */
class AzureBlobDocumentStoreCompatibilityIT extends DocumentStoreCompatibilityKit {
    private static final AtomicInteger CONTAINERS = new AtomicInteger();
    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected DocumentStore createStore() {
        return AzureBlobDocumentStore.builder()
                .connectionString(azurite.connectionString())
                .containerName("compat-" + CONTAINERS.incrementAndGet())
                .build();
    }
}
