package dev.queueworker.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.azure.storage.queue.models.QueueErrorCode;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import com.azure.storage.queue.models.SendMessageResult;
import com.azure.storage.queue.models.UpdateMessageResult;
import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import dev.queueworker.api.RetryableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * The task queue {@code {clientId}-tasks} and its poison queue {@code {clientId}-tasks-poison} on
 * Azure Storage Queue.
 *
 * <pre>{@code
 * AzureQueueProvider queue = AzureQueueProvider.builder()
 *         .connectionString(connectionString)
 *         .clientId("southhaven")
 *         .okHttpClient(sharedOkHttpClient)   // one HTTP stack with the webhook notifier
 *         .build();
 * }</pre>
 *
 * <p>Bodies reach the engine exactly as stored: the SDK client never decodes, and the engine accepts
 * plain JSON and Base64 of JSON per message. {@link #send} writes plain text, or Base64 with
 * {@link MessageEncoding#BASE64}.
 *
 * <p>Failures: a stale pop receipt (400 {@code PopReceiptMismatch}) or a vanished message (404
 * {@code MessageNotFound}) is a {@link LeaseLostException}; 408, 429, 5xx, timeouts and connection
 * failures are {@link RetryableException}s, so the engine backs off and resumes when the service
 * returns; authentication failures and other 4xx are {@link PermanentException}s. Every exception
 * keeps the service's status and error code; none carries the connection string or key.
 *
 * <p>Thread-safe: the SDK's clients are.
 */
public final class AzureQueueProvider implements QueueProvider {

    /** Azure's largest message, in characters of the stored text. */
    public static final int MAX_MESSAGE_CHARS = 64 * 1024;

    private static final Pattern QUEUE_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");

    private final QueueClient tasks;
    private final QueueClient poison;
    private final MessageEncoding encoding;

    /** How {@link #send} stores bodies. */
    public enum MessageEncoding {
        /** Plain UTF-8 text (the default). */
        NONE,
        /** Base64 of the UTF-8 text, as Azure Functions' queue trigger expects by default. */
        BASE64
    }

    private AzureQueueProvider(QueueClient tasks, QueueClient poison, MessageEncoding encoding) {
        this.tasks = tasks;
        this.poison = poison;
        this.encoding = encoding;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The task queue's name. */
    public String queueName() {
        return tasks.getQueueName();
    }

    /** The poison queue's name. */
    public String poisonQueueName() {
        return poison.getQueueName();
    }

    @Override
    public List<QueueMessage> receive(int maxMessages, Duration visibilityTimeout) {
        if (maxMessages < 1 || maxMessages > 32) {
            throw new IllegalArgumentException("'maxMessages' must be between 1 and 32, was " + maxMessages);
        }
        checkDuration("visibilityTimeout", visibilityTimeout);
        // Azure hides a received message for at least a second.
        Duration visibility = visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : visibilityTimeout;
        try {
            List<QueueMessage> received = new ArrayList<>(maxMessages);
            for (QueueMessageItem item : tasks.receiveMessages(maxMessages, visibility, null, Context.NONE)) {
                received.add(new QueueMessage(item.getMessageId(), text(item.getBody()), item.getDequeueCount(),
                        instant(item.getInsertionTime()),
                        new Receipt(item.getMessageId(), item.getPopReceipt(), instant(item.getTimeNextVisible()))));
            }
            return received;
        } catch (RuntimeException e) {
            throw translate("receiving from", tasks, e);
        }
    }

    @Override
    public Receipt extendVisibility(Receipt receipt, Duration visibilityTimeout) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        checkDuration("visibilityTimeout", visibilityTimeout);
        return update(receipt, visibilityTimeout);
    }

    @Override
    public void release(Receipt receipt, Duration delay) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        checkDuration("delay", delay);
        update(receipt, delay);
    }

    private Receipt update(Receipt receipt, Duration visibilityTimeout) {
        try {
            // A null text keeps the message's body as it is.
            UpdateMessageResult result = tasks.updateMessage(receipt.messageId(), receipt.popReceipt(), null,
                    visibilityTimeout);
            return new Receipt(receipt.messageId(), result.getPopReceipt(), instant(result.getTimeNextVisible()));
        } catch (RuntimeException e) {
            throw translate("updating a message on", tasks, e);
        }
    }

    @Override
    public void delete(Receipt receipt) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        try {
            tasks.deleteMessage(receipt.messageId(), receipt.popReceipt());
        } catch (RuntimeException e) {
            throw translate("deleting a message from", tasks, e);
        }
    }

    @Override
    public String send(String body, Duration initialDelay) {
        Objects.requireNonNull(body, "'body' cannot be null.");
        checkDuration("initialDelay", initialDelay);
        String stored = encoding == MessageEncoding.BASE64
                ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))
                : body;
        return sendTo(tasks, stored, initialDelay);
    }

    @Override
    public void moveToPoison(Receipt receipt, String poisonBody) {
        Objects.requireNonNull(receipt, "'receipt' cannot be null.");
        Objects.requireNonNull(poisonBody, "'poisonBody' cannot be null.");
        // Put first, then delete: a crash between the two poisons the message twice, never loses it.
        sendTo(poison, poisonBody, Duration.ZERO);
        delete(receipt);
    }

    private String sendTo(QueueClient queue, String text, Duration initialDelay) {
        try {
            SendMessageResult result = queue.sendMessageWithResponse(text,
                    initialDelay.isZero() ? null : initialDelay, null, null, Context.NONE).getValue();
            return result.getMessageId();
        } catch (RuntimeException e) {
            throw translate("sending to", queue, e);
        }
    }

    @Override
    public List<QueueMessage> peekPoison(int maxMessages) {
        if (maxMessages < 1 || maxMessages > 32) {
            throw new IllegalArgumentException("'maxMessages' must be between 1 and 32, was " + maxMessages);
        }
        try {
            List<QueueMessage> peeked = new ArrayList<>();
            for (PeekedMessageItem item : poison.peekMessages(maxMessages, null, Context.NONE)) {
                peeked.add(new QueueMessage(item.getMessageId(), text(item.getBody()), item.getDequeueCount(),
                        instant(item.getInsertionTime()), null));
            }
            return peeked;
        } catch (RuntimeException e) {
            throw translate("peeking at", poison, e);
        }
    }

    @Override
    public long approximateDepth() {
        return depth(tasks);
    }

    /** Azure's limit, {@value #MAX_MESSAGE_CHARS} characters: the engine fits poison envelopes to it. */
    @Override
    public int maxBodyLength() {
        return MAX_MESSAGE_CHARS;
    }

    @Override
    public long approximatePoisonDepth() {
        return depth(poison);
    }

    private long depth(QueueClient queue) {
        try {
            return queue.getProperties().getApproximateMessagesCount();
        } catch (RuntimeException e) {
            throw translate("reading the properties of", queue, e);
        }
    }

    static String text(com.azure.core.util.BinaryData body) {
        return body == null ? "" : new String(body.toBytes(), StandardCharsets.UTF_8);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? Instant.EPOCH : time.toInstant();
    }

    private static void checkDuration(String name, Duration value) {
        Objects.requireNonNull(value, "'" + name + "' cannot be null.");
        if (value.isNegative() || value.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("'" + name + "' must be between 0 and 7 days, was " + value);
        }
    }

    /**
     * The poison queue, for inspecting and replaying dead messages ({@code queue-worker poison}). It
     * shares this provider's clients and settings; requeued bodies go to this provider's task queue.
     */
    @Override
    public AzurePoisonQueue poisonQueue() {
        return new AzurePoisonQueue(poison, tasks);
    }

    /**
     * Whether the task queue exists: one request that creates nothing, for health checks (the
     * other operations create a missing queue again).
     *
     * @throws RetryableException or {@link PermanentException} when Azure Storage does not answer
     */
    public boolean exists() {
        return exists(tasks);
    }

    static boolean exists(QueueClient queue) {
        try {
            queue.getProperties();
            return true;
        } catch (QueueStorageException e) {
            if (QueueErrorCode.QUEUE_NOT_FOUND.equals(e.getErrorCode())) {
                return false;
            }
            throw translate("reading the properties of", queue, e, false);
        } catch (RuntimeException e) {
            throw translate("reading the properties of", queue, e, false);
        }
    }

    /** Maps an SDK failure onto the engine's exception tree, keeping status and error code. */
    private static RuntimeException translate(String action, QueueClient queue, RuntimeException e) {
        return translate(action, queue, e, true);
    }

    /**
     * Maps an SDK failure onto the engine's exception tree, keeping status and error code; a missing
     * queue is created again when {@code createMissing}, else reported as a {@link PermanentException}.
     */
    static RuntimeException translate(String action, QueueClient queue, RuntimeException e, boolean createMissing) {
        String where = action + " queue " + queue.getQueueName();
        HttpResponseException response = findCause(e, HttpResponseException.class);
        if (response != null && response.getResponse() != null) {
            int status = response.getResponse().getStatusCode();
            QueueErrorCode code = response instanceof QueueStorageException storage ? storage.getErrorCode() : null;
            String codeText = code == null ? null : code.toString();
            String what = where + " failed: HTTP " + status + (codeText == null ? "" : " " + codeText);
            if (QueueErrorCode.POP_RECEIPT_MISMATCH.equals(code) || QueueErrorCode.MESSAGE_NOT_FOUND.equals(code)) {
                return new LeaseLostException(what, e, status, codeText);
            }
            if (QueueErrorCode.QUEUE_NOT_FOUND.equals(code) && !createMissing) {
                return new PermanentException(what + " (the queue does not exist)", e, status, codeText);
            }
            if (QueueErrorCode.QUEUE_NOT_FOUND.equals(code)) {
                // Someone deleted the queue: make it again, and let the engine try once more.
                try {
                    queue.createIfNotExists();
                } catch (RuntimeException ignored) {
                    // reported by the next call
                }
                return new RetryableException(what + " (the queue was missing and has been created)", e, status,
                        codeText);
            }
            if (status == 408 || status == 429 || status >= 500) {
                return new RetryableException(what, e, status, codeText);
            }
            return new PermanentException(what, e, status, codeText);
        }
        if (findCause(e, ClientAuthenticationException.class) != null) {
            return new PermanentException(where + " failed: could not authenticate", e, 401, null);
        }
        if (e instanceof IllegalArgumentException || e instanceof NullPointerException) {
            return e;
        }
        // Timeouts, refused or reset connections, DNS failures: the service may come back.
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new RetryableException(where + " failed: " + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage()), e);
    }

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * Why {@code clientId} cannot name the queues, or null when it can: both
     * {@code {clientId}-tasks} and {@code {clientId}-tasks-poison} must be 3 to 63 lowercase
     * letters, digits and single hyphens, starting and ending with a letter or digit.
     */
    public static String checkClientId(String clientId) {
        if (clientId == null || clientId.isEmpty()) {
            return "'clientId' must not be empty";
        }
        for (String name : new String[] {clientId + "-tasks", clientId + "-tasks-poison"}) {
            if (!QUEUE_NAME.matcher(name).matches()) {
                return "clientId '" + clientId + "' cannot name an Azure queue: '" + name
                        + "' must be 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        String url = tasks.getQueueUrl();
        int query = url.indexOf('?');
        return "AzureQueueProvider[" + (query < 0 ? url : url.substring(0, query)) + "]";
    }

    /** Builds an {@link AzureQueueProvider}; settings are checked when set or at {@link #build()}. */
    public static final class Builder {
        private String connectionString;
        private String accountName;
        private TokenCredential credential;
        private String clientId = "default";
        private MessageEncoding encoding = MessageEncoding.NONE;
        private OkHttpClient okHttpClient;
        private boolean createQueues = true;
        private int maxTries = 3;
        private Duration tryTimeout = Duration.ofSeconds(10);
        private Duration retryDelay = Duration.ofMillis(500);
        private Duration maxRetryDelay = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * The storage account's connection string, including
         * Azurite's {@code UseDevelopmentStorage=true}. Use either this or {@link #accountName(String)}.
         */
        public Builder connectionString(String connectionString) {
            if (connectionString == null || connectionString.isBlank()) {
                throw new IllegalArgumentException(
                        "'connectionString' must not be empty");
            }
            this.connectionString = connectionString.trim();
            return this;
        }

        /**
         * The storage account's name: 3–24 lowercase letters and
         * digits; requests authenticate with {@link #credential(TokenCredential)} and go to
         * {@code https://<account>.queue.core.windows.net}. Use either this or {@link #connectionString(String)}.
         */
        public Builder accountName(String accountName) {
            if (accountName == null || !accountName.matches("[a-z0-9]{3,24}")) {
                throw new IllegalArgumentException("'accountName' must be 3 to 24 lowercase"
                        + " letters and digits, was " + (accountName == null ? "null" : "'" + accountName + "'"));
            }
            this.accountName = accountName;
            return this;
        }

        /** The credential used with {@link #accountName(String)}; by default {@code DefaultAzureCredential}. */
        public Builder credential(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "'credential' cannot be null.");
            return this;
        }

        /** The client: the queues are {@code {clientId}-tasks} and {@code {clientId}-tasks-poison}. */
        public Builder clientId(String clientId) {
            String problem = checkClientId(clientId);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            this.clientId = clientId;
            return this;
        }

        /** How {@link AzureQueueProvider#send} stores bodies. */
        public Builder messageEncoding(MessageEncoding encoding) {
            this.encoding = Objects.requireNonNull(encoding, "'encoding' cannot be null.");
            return this;
        }

        /** The process's shared OkHttp client, so the SDK and the webhook notifier share one stack. */
        public Builder okHttpClient(OkHttpClient okHttpClient) {
            this.okHttpClient = Objects.requireNonNull(okHttpClient, "'okHttpClient' cannot be null.");
            return this;
        }

        /** Whether {@link #build()} creates missing queues. Default true. */
        public Builder createQueues(boolean createQueues) {
            this.createQueues = createQueues;
            return this;
        }

        /**
         * How often one call is tried in all before it fails (1 to 20,
         * default 3). Kept short, so that during an outage a call fails within about half a minute and
         * the engine's own backoff takes over.
         */
        public Builder maxTries(int maxTries) {
            if (maxTries < 1 || maxTries > 20) {
                throw new IllegalArgumentException("'maxTries' must be 1 to 20, was " + maxTries);
            }
            this.maxTries = maxTries;
            return this;
        }

        /** How long one try of one call may take (default 10 s). */
        public Builder tryTimeout(Duration tryTimeout) {
            this.tryTimeout = SdkRetries.positive("'tryTimeout'", tryTimeout);
            return this;
        }

        /** The first delay between tries, growing exponentially (default 500 ms). */
        public Builder retryDelay(Duration retryDelay) {
            this.retryDelay = SdkRetries.positive("retryDelay", retryDelay);
            return this;
        }

        /** The longest delay between tries (default 5 s). */
        public Builder maxRetryDelay(Duration maxRetryDelay) {
            this.maxRetryDelay = SdkRetries.positive("maxRetryDelay", maxRetryDelay);
            return this;
        }

        /**
         * @throws IllegalStateException when neither or both of a connection string and an account name are set
         * @throws IllegalArgumentException when a setting is invalid
         * @throws RetryableException or {@link PermanentException} when creating the queues fails
         */
        public AzureQueueProvider build() {
            if ((connectionString == null) == (accountName == null)) {
                throw new IllegalStateException("set exactly one of 'connectionString'"
                        + " and 'accountName'");
            }
            QueueServiceClientBuilder service = new QueueServiceClientBuilder()
                    .messageEncoding(QueueMessageEncoding.NONE)
                    .retryOptions(SdkRetries.exponential(maxTries, tryTimeout, retryDelay, maxRetryDelay));
            if (okHttpClient != null) {
                HttpClient http = new OkHttpAsyncHttpClientBuilder(okHttpClient).build();
                service.httpClient(http);
            }
            QueueServiceClient client;
            try {
                if (connectionString != null) {
                    service.connectionString(connectionString);
                } else {
                    service.endpoint("https://" + accountName + ".queue.core.windows.net")
                            .credential(credential != null ? credential : new DefaultAzureCredentialBuilder().build());
                }
                client = service.buildClient();
            } catch (IllegalArgumentException e) {
                // The SDK's message could quote the connection string, and with it the key: drop it.
                throw new IllegalArgumentException("'connectionString' is not a valid"
                        + " Azure Storage connection string (" + e.getClass().getSimpleName() + ")");
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the Azure Storage settings are invalid ("
                        + e.getClass().getSimpleName() + "); check 'connectionString' or 'accountName'");
            }
            QueueClient tasks = client.getQueueClient(clientId + "-tasks");
            QueueClient poison = client.getQueueClient(clientId + "-tasks-poison");
            if (createQueues) {
                for (QueueClient queue : new QueueClient[] {tasks, poison}) {
                    try {
                        queue.createIfNotExists();
                    } catch (RuntimeException e) {
                        throw translate("creating", queue, e);
                    }
                }
            }
            return new AzureQueueProvider(tasks, poison, encoding);
        }
    }
}
