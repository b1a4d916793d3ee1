package dev.queueworker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * A task message as it travels on the queue {@code {clientId}-tasks}: the one owner of the wire
 * format. The engine reads bodies with {@link #parse}, producers ({@code queue-worker submit}, the demo,
 * the test kit, your frontend if it is on the JVM) write them with {@link #builder}.
 *
 * <pre>{@code
 * String body = TaskMessage.builder("ingest")
 *         .taskId("6f1c…")
 *         .put("filename", "report.pdf")
 *         .put("document_set", "policies")
 *         .webhookUrl("https://app.example/internal/notify")
 *         .build()
 *         .toJson();   // {"task_id":"6f1c…","task_type":"ingest","payload":{…},"webhook_url":"https://…"}
 * }</pre>
 *
 * <p>The body is UTF-8 JSON, as it is or Base64 of it ({@link Encoding}); both are read, per message.
 * Rules, each written once here and mirrored by {@code docs/message.schema.json}:
 * <ul>
 * <li>{@code task_id}: optional (absent or null: the queue message id); a non-blank string of at most
 *     {@value #MAX_TASK_ID_LENGTH} characters without {@link ControlCharacters control characters};
 * <li>{@code task_type}: required; 1 to {@value #MAX_TASK_TYPE_LENGTH} lowercase letters, digits,
 *     {@code .}, {@code _} and {@code -}, starting with a letter or digit ({@link #TASK_TYPE_REGEX});
 * <li>{@code payload}: optional JSON object (absent or null: empty); its fields are the handler's, checked
 *     by {@link TaskHandler#validate};
 * <li>{@code webhook_url}: optional absolute http or https URL naming a host, at most
 *     {@value #MAX_WEBHOOK_URL_LENGTH} characters, no control characters;
 * <li>the whole body at most the worker's {@code maxMessageBytes} ({@value #DEFAULT_MAX_BYTES} by default)
 *     UTF-8 bytes. Other top-level fields are ignored.
 * </ul>
 * Every violation is an {@link InvalidTaskException} whose message names the field, such as
 * {@code task_type: is required}; a body that cannot be read at all names {@code body}.
 *
 * @param taskId the {@code task_id}; nullable (then the queue message id is the task's id)
 * @param taskType the {@code task_type}
 * @param payload the {@code payload}; never null (empty when absent); treat as read-only
 * @param webhookUrl the {@code webhook_url}; nullable (then the worker's default webhook URL)
 */
public record TaskMessage(String taskId, String taskType, ObjectNode payload, String webhookUrl) {

    /** The field names of the wire format. */
    public static final String TASK_ID = "task_id";
    public static final String TASK_TYPE = "task_type";
    public static final String PAYLOAD = "payload";
    public static final String WEBHOOK_URL = "webhook_url";

    public static final int MAX_TASK_ID_LENGTH = 256;
    public static final int MAX_TASK_TYPE_LENGTH = 64;
    public static final int MAX_WEBHOOK_URL_LENGTH = 2048;
    /** The default limit of a whole body, in UTF-8 bytes (the worker's {@code maxMessageBytes}). */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    /** The task-type rule as a regular expression, for documents and schemas; {@link #isTaskType} applies it. */
    public static final String TASK_TYPE_REGEX = "[a-z0-9][a-z0-9._-]{0,63}";
    /** Task types with this prefix belong to the engine (its webhook redelivery messages); producers may not use them. */
    public static final String RESERVED_TYPE_PREFIX = "queue-worker.";

    /** How a body is stored on the queue. */
    public enum Encoding {
        /** The JSON as it is. */
        PLAIN,
        /** Base64 of the JSON's UTF-8 bytes, as Azure Functions' queue bindings write it. */
        BASE64;

        /** How {@code body} is stored: plain when its first non-blank character opens JSON, else Base64. */
        public static Encoding of(String body) {
            return MessageBody.isPlainJson(body) ? PLAIN : BASE64;
        }

        /** {@code json} stored this way. */
        public String encode(String json) {
            return this == PLAIN ? json : Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * @throws InvalidTaskException naming the field that breaks its rule
     */
    public TaskMessage {
        if (taskId != null) {
            checkTaskId(taskId);
        }
        checkTaskType(taskType);
        payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
        if (webhookUrl != null) {
            checkWebhookUrl(webhookUrl);
        }
    }

    /** A builder for a message of {@code taskType}; the rules are checked by {@link Builder#build()}. */
    public static Builder builder(String taskType) {
        return new Builder(taskType);
    }

    /** Reads a body of at most {@value #DEFAULT_MAX_BYTES} bytes; see {@link #parse(String, int)}. */
    public static TaskMessage parse(String body) {
        return parse(body, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads a queue message body, plain JSON or Base64 of it.
     *
     * @param maxBytes the largest body accepted, in UTF-8 bytes
     * @throws InvalidTaskMessageException naming the field at fault ({@code body} when the body cannot be
     *     read as a JSON object), with what could be read before the problem
     */
    public static TaskMessage parse(String body, int maxBytes) {
        Objects.requireNonNull(body, "'body' cannot be null.");
        MessageBody.checkSize(body, maxBytes);
        boolean plain = MessageBody.isPlainJson(body);
        JsonNode root = MessageBody.parse(MessageBody.jsonText(body), !plain);
        if (root == null || !root.isObject()) {
            throw new InvalidTaskMessageException("body", "must be a JSON object, was " + describe(root), null, null,
                    null);
        }
        // Read webhook_url first: when a later field is bad, the failed webhook can still reach it.
        String softId = softText(root.get(TASK_ID));
        String softType = softText(root.get(TASK_TYPE));
        String webhookUrl = read(root, WEBHOOK_URL, softId, softType, null);
        String taskId = read(root, TASK_ID, softId, softType, webhookUrl);
        String taskType = root.get(TASK_TYPE) == null || root.get(TASK_TYPE).isNull()
                ? failRequired(softId, webhookUrl) : read(root, TASK_TYPE, softId, softType, webhookUrl);
        JsonNode payload = root.get(PAYLOAD);
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            throw new InvalidTaskMessageException(PAYLOAD, "must be a JSON object, was " + describe(payload), softId,
                    softType, webhookUrl);
        }
        try {
            return new TaskMessage(taskId, taskType, payload == null || payload.isNull() ? null : (ObjectNode) payload,
                    webhookUrl);
        } catch (InvalidTaskException e) {
            throw new InvalidTaskMessageException(e.field(), problemOf(e), softId, softType, webhookUrl);
        }
    }

    /** A string field, checked by its rule; null when absent or null. */
    private static String read(JsonNode root, String field, String softId, String softType, String webhookUrl) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            if (!node.isTextual()) {
                throw new InvalidTaskException(field, "must be a string, was " + describe(node));
            }
            String value = node.textValue();
            switch (field) {
                case TASK_ID -> checkTaskId(value);
                case TASK_TYPE -> checkTaskType(value);
                default -> checkWebhookUrl(value);
            }
            return value;
        } catch (InvalidTaskException e) {
            throw new InvalidTaskMessageException(field, problemOf(e), softId, softType, webhookUrl);
        }
    }

    private static String failRequired(String softId, String webhookUrl) {
        throw new InvalidTaskMessageException(TASK_TYPE, "is required", softId, null, webhookUrl);
    }

    /**
     * Refuses a body of more than {@code maxBytes} UTF-8 bytes.
     *
     * @throws InvalidTaskMessageException on the field {@code body}, saying how large it is
     */
    public static void checkSize(String body, int maxBytes) {
        MessageBody.checkSize(body, maxBytes);
    }

    /**
     * The JSON text of a body: as it is when plain, decoded when Base64.
     *
     * @throws InvalidTaskMessageException on the field {@code body} when it is neither
     */
    public static String jsonOf(String body) {
        return MessageBody.jsonText(body);
    }

    // ---------------------------------------------------------------- the rules, once each

    /**
     * The {@code task_id} rule.
     *
     * @throws InvalidTaskException naming {@code task_id}
     */
    public static void checkTaskId(String taskId) {
        requireLine(TASK_ID, taskId, MAX_TASK_ID_LENGTH);
    }

    /**
     * The {@code task_type} rule.
     *
     * @throws InvalidTaskException naming {@code task_type}
     */
    public static void checkTaskType(String taskType) {
        if (taskType == null) {
            throw new InvalidTaskException(TASK_TYPE, "is required");
        }
        if (taskType.isBlank()) {
            throw new InvalidTaskException(TASK_TYPE, "must not be blank");
        }
        if (!isTaskType(taskType)) {
            throw new InvalidTaskException(TASK_TYPE, "must be 1 to " + MAX_TASK_TYPE_LENGTH + " lowercase letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit; was '" + printable(taskType) + "'");
        }
    }

    /** Whether {@code type} is a task type ({@link #TASK_TYPE_REGEX}, without a regex: this runs for every message). */
    public static boolean isTaskType(String type) {
        int length = type == null ? 0 : type.length();
        if (length == 0 || length > MAX_TASK_TYPE_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = type.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '.' && c != '_' && c != '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code webhook_url} rule: an absolute http or https URL naming a host. Whether the worker will
     * send there (allowed hosts, address rules) is the webhook notifier's policy, checked when sending.
     *
     * @throws InvalidTaskException naming {@code webhook_url}
     */
    public static void checkWebhookUrl(String url) {
        Objects.requireNonNull(url, "'url' cannot be null.");
        if (url.length() > MAX_WEBHOOK_URL_LENGTH) {
            throw new InvalidTaskException(WEBHOOK_URL, "must be at most " + MAX_WEBHOOK_URL_LENGTH + " characters");
        }
        if (ControlCharacters.in(url)) {
            throw new InvalidTaskException(WEBHOOK_URL, "must not contain control characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidTaskException(WEBHOOK_URL, "is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidTaskException(WEBHOOK_URL, "must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidTaskException(WEBHOOK_URL, "must name a host");
        }
    }

    /**
     * The rule for a one-line string field: present, not blank, at most {@code maxLength} characters,
     * no control characters. {@link Task#requireString} applies it to payload fields.
     *
     * @throws InvalidTaskException naming {@code field}
     */
    public static String requireLine(String field, String value, int maxLength) {
        if (value == null) {
            throw new InvalidTaskException(field, "is required");
        }
        if (value.isBlank()) {
            throw new InvalidTaskException(field, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw new InvalidTaskException(field, "must be at most " + maxLength + " characters, was " + value.length());
        }
        if (ControlCharacters.in(value)) {
            throw new InvalidTaskException(field, "must not contain control characters");
        }
        return value;
    }

    // ---------------------------------------------------------------- writing

    /** This message as plain JSON, fields in the order {@code task_id, task_type, payload, webhook_url}. */
    public String toJson() {
        ObjectNode root = MessageBody.MAPPER.createObjectNode();
        if (taskId != null) {
            root.put(TASK_ID, taskId);
        }
        root.put(TASK_TYPE, taskType);
        root.set(PAYLOAD, payload);
        if (webhookUrl != null) {
            root.put(WEBHOOK_URL, webhookUrl);
        }
        return root.toString();
    }

    /** This message as Base64 of its JSON, as Azure Functions' queue bindings write it. */
    public String toBase64() {
        return Encoding.BASE64.encode(toJson());
    }

    /** This message stored as {@code encoding} says. */
    public String encode(Encoding encoding) {
        return encoding.encode(toJson());
    }

    /** This message with {@code taskId} as its {@code task_id}. */
    public TaskMessage withTaskId(String taskId) {
        return new TaskMessage(taskId, taskType, payload, webhookUrl);
    }

    /**
     * The task a worker runs for this message.
     *
     * @param messageId the queue message id: the task's id when the message has no {@code task_id}
     * @param attempt 1 on the first delivery, then the dequeue count
     * @param enqueuedAt when the message was put on the queue
     * @param defaultWebhookUrl the worker's default webhook URL, used when the message names none; nullable
     */
    public Task toTask(String messageId, int attempt, Instant enqueuedAt, String defaultWebhookUrl) {
        return new Task(taskId != null ? taskId : messageId, taskType, payload,
                webhookUrl != null ? webhookUrl : defaultWebhookUrl, attempt, enqueuedAt, messageId);
    }

    // ---------------------------------------------------------------- helpers

    /** A string field's value when it is harmless to echo in a webhook, else null. */
    private static String softText(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        String text = node.textValue();
        return text.isBlank() || text.length() > MAX_TASK_ID_LENGTH || ControlCharacters.in(text) ? null : text;
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(ControlCharacters.isControl(c) ? '?' : c);
        }
        return out.toString();
    }

    private static String describe(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String problemOf(InvalidTaskException e) {
        String prefix = e.field() + ": ";
        return e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
    }

    @Override
    public String toString() {
        // Payloads may hold customer data: never print them.
        return "TaskMessage[taskId=" + taskId + ", taskType=" + taskType + ", payloadFields=" + payload.size()
                + ", webhookUrl=" + (webhookUrl != null) + "]";
    }

    /** Builds a {@link TaskMessage}; {@link #build()} checks every rule. Not thread-safe. */
    public static final class Builder {
        private final String taskType;
        private final ObjectNode payload = JsonNodeFactory.instance.objectNode();
        private String taskId;
        private String webhookUrl;

        private Builder(String taskType) {
            this.taskType = taskType;
        }

        /** The {@code task_id}; without one, the queue message id names the task. */
        public Builder taskId(String taskId) {
            this.taskId = taskId;
            return this;
        }

        /** The {@code webhook_url}; without one, the worker's default webhook URL. */
        public Builder webhookUrl(String webhookUrl) {
            this.webhookUrl = webhookUrl;
            return this;
        }

        /** Adds (a copy of) every field of {@code fields} to the payload. */
        public Builder payload(ObjectNode fields) {
            payload.setAll(fields.deepCopy());
            return this;
        }

        public Builder put(String field, String value) {
            payload.put(field, value);
            return this;
        }

        public Builder put(String field, long value) {
            payload.put(field, value);
            return this;
        }

        public Builder put(String field, boolean value) {
            payload.put(field, value);
            return this;
        }

        /** Sets a payload field to (a copy of) any JSON value. */
        public Builder put(String field, JsonNode value) {
            payload.set(field, value == null ? null : value.deepCopy());
            return this;
        }

        /**
         * @throws InvalidTaskException naming the field that breaks its rule
         */
        public TaskMessage build() {
            return new TaskMessage(taskId, taskType, payload.deepCopy(), webhookUrl);
        }
    }
}
