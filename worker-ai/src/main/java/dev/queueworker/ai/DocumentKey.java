package dev.queueworker.ai;

/**
 * One client's document in a {@link ChunkStore}: every store operation is scoped by it, so clients
 * that share a store (one database table, say) never see, replace or delete each other's chunks,
 * even for documents of the same set and name.
 *
 * <pre>{@code
 * DocumentKey policy = new DocumentKey("southhaven", "manuals", "policy.pdf");
 * int chunks = store.count(policy);
 * }</pre>
 *
 * @param clientId    the client whose document it is
 * @param documentSet the task's {@code document_set}
 * @param filename    the task's {@code filename}
 */
public record DocumentKey(String clientId, String documentSet, String filename) {

    /** @throws IllegalArgumentException naming the component that is null or blank */
    public DocumentKey {
        requireText(clientId, "clientId");
        requireText(documentSet, "documentSet");
        requireText(filename, "filename");
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' must not be null or blank");
        }
    }

    @Override
    public String toString() {
        return documentSet + "/" + filename + " of client " + clientId;
    }
}
