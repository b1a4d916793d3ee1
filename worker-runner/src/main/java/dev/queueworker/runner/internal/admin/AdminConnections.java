package dev.queueworker.runner.internal.admin;

import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.wiring.Components;
import java.time.Duration;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * The Azure clients of the operator commands ({@code submit}, {@code poison}), built
 * from the same settings as the daemon's but with their own retry budget, and able to leave missing
 * queues alone.
 */
public final class AdminConnections {

    private AdminConnections() {
    }

    /**
     * Refuses {@code QUEUE_PROVIDER=mock} for a command that must reach the queue workers read.
     *
     * @throws ConfigException naming the command
     */
    public static void requireSharedQueue(RunnerConfig config, String command) {
        if (config.queueKind() == RunnerConfig.QueueKind.MOCK) {
            throw new ConfigException(command + " needs a shared queue; QUEUE_PROVIDER=mock lives inside one process");
        }
        if (config.queueKind() == RunnerConfig.QueueKind.PLUGIN) {
            throw new ConfigException(command + " works with QUEUE_PROVIDER=azure; '" + config.queueProviderName()
                    + "' is a plugin's queue provider");
        }
    }

    /**
     * The Azure queue provider of {@code config}.
     *
     * @param createQueues whether to create the queues when missing (one request each)
     * @param maxTries tries per call; 1 for a quick answer
     * @param tryTimeout how long one try may take
     */
    public static AzureQueueProvider queue(RunnerConfig config, OkHttpClient http, boolean createQueues, int maxTries,
            Duration tryTimeout) {
        return queue(config, http, createQueues, maxTries, tryTimeout, config.messageEncoding());
    }

    /** As {@link #queue(RunnerConfig, OkHttpClient, boolean, int, Duration)}, storing bodies as {@code encoding} says. */
    public static AzureQueueProvider queue(RunnerConfig config, OkHttpClient http, boolean createQueues, int maxTries,
            Duration tryTimeout, AzureQueueProvider.MessageEncoding encoding) {
        return build(() -> Components.azureQueue(config, http).createQueues(createQueues).maxTries(maxTries)
                .tryTimeout(tryTimeout).messageEncoding(encoding).build());
    }

    /** A builder's complaint about a setting is a configuration error. */
    private static <T> T build(Supplier<T> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Shuts down the OkHttp client's threads and connections, so a short command exits promptly. */
    public static void close(OkHttpClient http) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
