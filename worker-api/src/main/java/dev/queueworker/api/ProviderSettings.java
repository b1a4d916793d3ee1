package dev.queueworker.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the daemon hands a {@link QueueProviderFactory} or {@link DocumentStoreFactory}: the client,
 * the factory's own options, by name, and objects the host shares with every provider (the daemon
 * shares its one {@code okhttp3.OkHttpClient}). How an application fills them is its own business
 * (the daemon's way is in docs/plugins.md); they are never logged, so options may hold secrets.
 *
 * @param clientId the worker's client: queues are named after it
 * @param options  the factory's options, by name; blank values are left out
 * @param shared   objects the host shares, by their type; a factory may use one or make its own
 */
public record ProviderSettings(String clientId, Map<String, String> options, Map<Class<?>, Object> shared) {

    public ProviderSettings {
        Objects.requireNonNull(clientId, "'clientId' cannot be null.");
        options = Map.copyOf(options);
        shared = Map.copyOf(shared);
        shared.forEach((type, value) -> {
            if (!type.isInstance(value)) {
                throw new IllegalArgumentException("'shared' maps " + type.getName() + " to a "
                        + value.getClass().getName());
            }
        });
    }

    /** Settings with nothing shared. */
    public ProviderSettings(String clientId, Map<String, String> options) {
        this(clientId, options, Map.of());
    }

    /** The option's value, or empty when it is not set. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** The object of {@code type} the host shares, or empty when it shares none. */
    public <T> Optional<T> shared(Class<T> type) {
        return Optional.ofNullable(type.cast(shared.get(type)));
    }

    /** Never shows the options' values. */
    @Override
    public String toString() {
        return "ProviderSettings[clientId=" + clientId + ", options=" + options.keySet() + ", shared="
                + shared.keySet().stream().map(Class::getSimpleName).toList() + "]";
    }
}
