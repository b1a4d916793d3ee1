package dev.queueworker.test;

import dev.queueworker.api.DocumentStore;
import dev.queueworker.core.InMemoryDocumentStore;

class InMemoryDocumentStoreCompatibilityTest extends DocumentStoreCompatibilityKit {
    @Override
    protected DocumentStore createStore() {
        return new InMemoryDocumentStore();
    }
}
