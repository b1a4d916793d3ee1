package dev.queueworker.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the daemon hands a {@link QueueProviderFactory} or {@link DocumentStoreFactory}: the client
 * and the factory's own options, by name. How an application fills them is its own business (the
 * daemon's way is in docs/plugins.md); they are never logged, so they may hold secrets.
 *
 * @param clientId the worker's client: queues are named after it
 * @param options  the factory's options, by name; blank values are left out
 */
public record ProviderSettings(String clientId, Map<String, String> options) {

    public ProviderSettings {
        Objects.requireNonNull(clientId, "'clientId' cannot be null.");
        options = Map.copyOf(options);
    }

    /** The option's value, or empty when it is not set. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** Never shows the options' values. */
    @Override
    public String toString() {
        return "ProviderSettings[clientId=" + clientId + ", options=" + options.keySet() + "]";
    }
}
