package dev.queueworker.core;

import dev.queueworker.core.internal.MessageCodec;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Worker} behaves; immutable, from {@link #builder()}, checked when built. Errors
 * name the option; the daemon maps its environment variables to these options (see
 * docs/configuration.md).
 *
 * <pre>{@code
 * WorkerOptions options = WorkerOptions.builder()
 *         .clientId("southhaven")
 *         .visibilityTimeout(Duration.ofSeconds(30))
 *         .maxMessages(10)
 *         .build();
 * }</pre>
 */
public final class WorkerOptions {

    /** Azure Storage Queue's largest message, and the largest body the engine accepts by default. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

    private final String clientId;
    private final int maxMessages;
    private final int concurrency;
    private final Duration visibilityTimeout;
    private final Duration pollingInterval;
    private final Duration minPollingInterval;
    private final int maxDequeueCount;
    private final Duration retryBaseDelay;
    private final Duration retryMaxDelay;
    private final Duration shutdownTimeout;
    private final String defaultWebhookUrl;
    private final int webhookMaxAttempts;
    private final int maxMessageBytes;

    private WorkerOptions(Builder b) {
        this.clientId = b.clientId;
        this.maxMessages = b.maxMessages;
        this.concurrency = b.concurrency == 0 ? b.maxMessages : b.concurrency;
        this.visibilityTimeout = b.visibilityTimeout;
        this.pollingInterval = b.pollingInterval;
        this.minPollingInterval = b.minPollingInterval;
        this.maxDequeueCount = b.maxDequeueCount;
        this.retryBaseDelay = b.retryBaseDelay;
        this.retryMaxDelay = b.retryMaxDelay;
        this.shutdownTimeout = b.shutdownTimeout;
        this.defaultWebhookUrl = b.defaultWebhookUrl;
        this.webhookMaxAttempts = b.webhookMaxAttempts;
        this.maxMessageBytes = b.maxMessageBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The options with every default. */
    public static WorkerOptions defaults() {
        return builder().build();
    }

    /** A builder starting from these options. */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.clientId = clientId;
        b.maxMessages = maxMessages;
        b.concurrency = concurrency;
        b.visibilityTimeout = visibilityTimeout;
        b.pollingInterval = pollingInterval;
        b.minPollingInterval = minPollingInterval;
        b.maxDequeueCount = maxDequeueCount;
        b.retryBaseDelay = retryBaseDelay;
        b.retryMaxDelay = retryMaxDelay;
        b.shutdownTimeout = shutdownTimeout;
        b.defaultWebhookUrl = defaultWebhookUrl;
        b.webhookMaxAttempts = webhookMaxAttempts;
        b.maxMessageBytes = maxMessageBytes;
        return b;
    }

    /** Names the queues and appears in every webhook. Default {@code default}. */
    public String clientId() {
        return clientId;
    }

    /**
     * The most messages one receive asks for, 1 to 32. Default 10. A
     * worker holds at most {@code concurrency + min(maxMessages, 2 × concurrency)} messages: the extra
     * batch is received ahead, under lease, so that slots do not wait for a receive.
     */
    public int maxMessages() {
        return maxMessages;
    }

    /** How many tasks run at once. Default: {@link #maxMessages()}. */
    public int concurrency() {
        return concurrency;
    }

    /** How long a received message stays hidden per lease. Default 30 s. */
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /** The longest wait between receives on an empty queue. Default 5 s. */
    public Duration pollingInterval() {
        return pollingInterval;
    }

    /** The first wait after an empty receive. Default 250 ms. */
    public Duration minPollingInterval() {
        return minPollingInterval;
    }

    /** Attempts before a task is poison. Default 5. */
    public int maxDequeueCount() {
        return maxDequeueCount;
    }

    /** The backoff after a first failed attempt, doubling. Default 10 s. */
    public Duration retryBaseDelay() {
        return retryBaseDelay;
    }

    /** The longest retry backoff. Default 10 min. */
    public Duration retryMaxDelay() {
        return retryMaxDelay;
    }

    /** How long a shutdown lets running tasks finish. Default 30 s. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Where outcomes go when a message names no {@code webhook_url}; nullable. */
    public String defaultWebhookUrl() {
        return defaultWebhookUrl;
    }

    /**
     * How many times an undelivered webhook kept on the queue is tried
     * before it goes to the poison queue. Default 100 (about 16 hours at the default backoff).
     */
    public int webhookMaxAttempts() {
        return webhookMaxAttempts;
    }

    /** The largest body accepted. Default 64 KiB. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    @Override
    public String toString() {
        return "WorkerOptions[clientId=" + clientId + ", maxMessages=" + maxMessages + ", concurrency=" + concurrency
                + ", visibilityTimeout=" + visibilityTimeout + ", pollingInterval=" + pollingInterval
                + ", minPollingInterval=" + minPollingInterval + ", maxDequeueCount=" + maxDequeueCount
                + ", retryBaseDelay=" + retryBaseDelay + ", retryMaxDelay=" + retryMaxDelay + ", shutdownTimeout="
                + shutdownTimeout + ", defaultWebhookUrl=" + (defaultWebhookUrl == null ? "none" : "set")
                + ", webhookMaxAttempts=" + webhookMaxAttempts + ", maxMessageBytes=" + maxMessageBytes + "]";
    }

    /** Builds {@link WorkerOptions}; each setter checks its value and names the option when it is wrong. */
    public static final class Builder {
        private String clientId = "default";
        private int maxMessages = 10;
        private int concurrency;
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private Duration pollingInterval = Duration.ofSeconds(5);
        private Duration minPollingInterval = Duration.ofMillis(250);
        private int maxDequeueCount = 5;
        private Duration retryBaseDelay = Duration.ofSeconds(10);
        private Duration retryMaxDelay = Duration.ofMinutes(10);
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private String defaultWebhookUrl;
        private int webhookMaxAttempts = 100;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;

        private Builder() {
        }

        public Builder clientId(String clientId) {
            Objects.requireNonNull(clientId, "'clientId' cannot be null.");
            if (clientId.isBlank()) {
                throw new IllegalArgumentException("'clientId' must not be blank");
            }
            this.clientId = clientId;
            return this;
        }

        public Builder maxMessages(int maxMessages) {
            this.maxMessages = checkRange("maxMessages", maxMessages, 1, 32);
            return this;
        }

        /** 0 restores the default: the same as {@link #maxMessages(int)}. */
        public Builder concurrency(int concurrency) {
            this.concurrency = checkRange("concurrency", concurrency, 0, 10_000);
            return this;
        }

        public Builder visibilityTimeout(Duration visibilityTimeout) {
            this.visibilityTimeout = checkDuration("visibilityTimeout", visibilityTimeout, Duration.ofSeconds(1),
                    Duration.ofDays(7));
            return this;
        }

        public Builder pollingInterval(Duration pollingInterval) {
            this.pollingInterval = checkDuration("pollingInterval", pollingInterval, Duration.ofMillis(1),
                    Duration.ofHours(1));
            return this;
        }

        public Builder minPollingInterval(Duration minPollingInterval) {
            this.minPollingInterval = checkDuration("minPollingInterval", minPollingInterval, Duration.ofMillis(1),
                    Duration.ofHours(1));
            return this;
        }

        public Builder maxDequeueCount(int maxDequeueCount) {
            this.maxDequeueCount = checkRange("maxDequeueCount", maxDequeueCount, 1, 1000);
            return this;
        }

        public Builder retryBaseDelay(Duration retryBaseDelay) {
            this.retryBaseDelay = checkDuration("retryBaseDelay", retryBaseDelay, Duration.ZERO, Duration.ofDays(7));
            return this;
        }

        public Builder retryMaxDelay(Duration retryMaxDelay) {
            this.retryMaxDelay = checkDuration("retryMaxDelay", retryMaxDelay, Duration.ZERO, Duration.ofDays(7));
            return this;
        }

        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = checkDuration("shutdownTimeout", shutdownTimeout, Duration.ZERO,
                    Duration.ofHours(24));
            return this;
        }

        /** Nullable: no default URL, so tasks without {@code webhook_url} report nothing. */
        public Builder defaultWebhookUrl(String defaultWebhookUrl) {
            if (defaultWebhookUrl != null) {
                String problem = MessageCodec.checkWebhookUrl(defaultWebhookUrl);
                if (problem != null) {
                    throw new IllegalArgumentException("'defaultWebhookUrl' " + problem);
                }
            }
            this.defaultWebhookUrl = defaultWebhookUrl;
            return this;
        }

        public Builder webhookMaxAttempts(int webhookMaxAttempts) {
            this.webhookMaxAttempts = checkRange("webhookMaxAttempts", webhookMaxAttempts, 1, 100_000);
            return this;
        }

        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = checkRange("maxMessageBytes", maxMessageBytes, 1024, 16 * 1024 * 1024);
            return this;
        }

        public WorkerOptions build() {
            if (minPollingInterval.compareTo(pollingInterval) > 0) {
                throw new IllegalArgumentException("'minPollingInterval' (" + minPollingInterval
                        + ") must not exceed 'pollingInterval' (" + pollingInterval + ")");
            }
            if (retryBaseDelay.compareTo(retryMaxDelay) > 0) {
                throw new IllegalArgumentException("'retryBaseDelay' (" + retryBaseDelay
                        + ") must not exceed 'retryMaxDelay' (" + retryMaxDelay + ")");
            }
            return new WorkerOptions(this);
        }

        private static int checkRange(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException("'" + name + "' must be between " + min + " and " + max
                        + ", was " + value);
            }
            return value;
        }

        private static Duration checkDuration(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, "'" + name + "' cannot be null.");
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException("'" + name + "' must be between " + min + " and " + max
                        + ", was " + value);
            }
            return value;
        }
    }
}
