package dev.queueworker.api;

/**
 * Makes a {@link QueueProvider} by name: how the {@code queue-worker} daemon finds a queue provider
 * that is not built in. A plugin jar in the daemon's plugins directory lists its factory in
 * {@code META-INF/services/dev.queueworker.api.QueueProviderFactory}; the daemon's configuration
 * selects it by {@link #name()} (docs/plugins.md). The daemon calls {@link #create} once, at start, and closes the provider at the end.
 *
 * <pre>{@code
 * public final class SqsQueueProviderFactory implements QueueProviderFactory {
 *     public String name() { return "sqs"; }
 *     public QueueProvider create(ProviderSettings settings) {
 *         return new SqsQueueProvider(settings.clientId() + "-tasks", settings.option("QUEUE_URL").orElseThrow());
 *     }
 * }
 * }</pre>
 */
public interface QueueProviderFactory {

    /** The name the configuration selects it by: lowercase letters, digits and {@code -}. */
    String name();

    /**
     * A new provider for {@code settings}.
     *
     * @throws IllegalArgumentException naming the option when an option is missing or wrong
     * @throws RetryableException when the service cannot be reached yet (the daemon tries again)
     */
    QueueProvider create(ProviderSettings settings);
}
