package dev.queueworker.runner.internal.config;

import static dev.queueworker.runner.internal.config.EnvironmentVariables.option;

import dev.queueworker.api.TaskMessage;
import dev.queueworker.core.WorkerOptions;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The engine's variables ({@code CLIENT_ID}, {@code WORKER_*}, {@code WEBHOOK_URL},
 * {@code WEBHOOK_MAX_ATTEMPTS}) read into {@link WorkerOptions}, and {@code WORKER_TASK_TYPES}.
 */
final class EngineVariables {

    private static final int ANY_MIN = Integer.MIN_VALUE;
    private static final int ANY_MAX = Integer.MAX_VALUE;

    private EngineVariables() {
    }

    /** @throws ConfigException naming the variable at fault */
    static WorkerOptions workerOptions(EnvironmentVariables env) {
        WorkerOptions defaults = WorkerOptions.builder().build();
        WorkerOptions.Builder b = WorkerOptions.builder();
        env.string("CLIENT_ID").ifPresent(v -> option("CLIENT_ID", () -> b.clientId(v)));
        env.integer("WORKER_MAX_MESSAGES", ANY_MIN, ANY_MAX)
                .ifPresent(v -> option("WORKER_MAX_MESSAGES", () -> b.maxMessages(v)));
        env.integer("WORKER_CONCURRENCY", ANY_MIN, ANY_MAX)
                .ifPresent(v -> option("WORKER_CONCURRENCY", () -> b.concurrency(v)));
        env.duration("WORKER_VISIBILITY_TIMEOUT")
                .ifPresent(v -> option("WORKER_VISIBILITY_TIMEOUT", () -> b.visibilityTimeout(v)));
        Duration polling = env.duration("WORKER_POLLING_INTERVAL").orElse(defaults.pollingInterval());
        option("WORKER_POLLING_INTERVAL", () -> b.pollingInterval(polling));
        Duration minPolling = env.duration("WORKER_MIN_POLLING_INTERVAL").orElse(defaults.minPollingInterval());
        option("WORKER_MIN_POLLING_INTERVAL", () -> b.minPollingInterval(minPolling));
        if (minPolling.compareTo(polling) > 0) {
            throw new ConfigException("WORKER_MIN_POLLING_INTERVAL (" + minPolling + ") must not exceed"
                    + " WORKER_POLLING_INTERVAL (" + polling + ")");
        }
        env.integer("WORKER_MAX_DEQUEUE_COUNT", ANY_MIN, ANY_MAX)
                .ifPresent(v -> option("WORKER_MAX_DEQUEUE_COUNT", () -> b.maxDequeueCount(v)));
        Duration retryBase = env.duration("WORKER_RETRY_BASE_DELAY").orElse(defaults.retryBaseDelay());
        option("WORKER_RETRY_BASE_DELAY", () -> b.retryBaseDelay(retryBase));
        Duration retryMax = env.duration("WORKER_RETRY_MAX_DELAY").orElse(defaults.retryMaxDelay());
        option("WORKER_RETRY_MAX_DELAY", () -> b.retryMaxDelay(retryMax));
        if (retryBase.compareTo(retryMax) > 0) {
            throw new ConfigException("WORKER_RETRY_BASE_DELAY (" + retryBase + ") must not exceed"
                    + " WORKER_RETRY_MAX_DELAY (" + retryMax + ")");
        }
        env.duration("WORKER_SHUTDOWN_TIMEOUT")
                .ifPresent(v -> option("WORKER_SHUTDOWN_TIMEOUT", () -> b.shutdownTimeout(v)));
        env.integer("WORKER_MAX_MESSAGE_BYTES", ANY_MIN, ANY_MAX)
                .ifPresent(v -> option("WORKER_MAX_MESSAGE_BYTES", () -> b.maxMessageBytes(v)));
        env.string("WEBHOOK_URL").ifPresent(v -> option("WEBHOOK_URL", () -> b.defaultWebhookUrl(v)));
        env.integer("WEBHOOK_MAX_ATTEMPTS", ANY_MIN, ANY_MAX)
                .ifPresent(v -> option("WEBHOOK_MAX_ATTEMPTS", () -> b.webhookMaxAttempts(v)));
        return b.build();
    }

    /** {@code WORKER_SHARE}: a client's weight among the clients of one daemon (tenants mode), 1 to 100; default 1. */
    static int share(EnvironmentVariables env) {
        return env.integer("WORKER_SHARE", 1, 100).orElse(1);
    }

    /** {@code WORKER_TASK_TYPES}: the types this worker runs; empty means every handler found. */
    static Set<String> taskTypes(EnvironmentVariables env) {
        Set<String> types = new LinkedHashSet<>();
        for (String t : env.string("WORKER_TASK_TYPES").orElse("").split(",")) {
            String type = t.strip();
            if (type.isEmpty()) {
                continue;
            }
            if (!TaskMessage.isTaskType(type)) {
                throw new ConfigException("WORKER_TASK_TYPES must list task types (lowercase letters, digits, '.', '_',"
                        + " '-'), comma-separated; '" + type + "' is not one");
            }
            types.add(type);
        }
        return Collections.unmodifiableSet(types);
    }
}
