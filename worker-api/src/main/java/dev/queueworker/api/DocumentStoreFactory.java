package dev.queueworker.api;

/**
 * Makes a {@link DocumentStore} by name: how the {@code queue-worker} daemon finds a document store
 * that is not built in. A plugin jar in the daemon's plugins directory lists its factory in
 * {@code META-INF/services/dev.queueworker.api.DocumentStoreFactory}; the daemon's configuration
 * selects it by {@link #name()} (docs/plugins.md). See {@link QueueProviderFactory} for the shape.
 */
public interface DocumentStoreFactory {

    /** The name the configuration selects it by: lowercase letters, digits and {@code -}. */
    String name();

    /**
     * A new store for {@code settings}.
     *
     * @throws IllegalArgumentException naming the option when an option is missing or wrong
     */
    DocumentStore create(ProviderSettings settings);
}
