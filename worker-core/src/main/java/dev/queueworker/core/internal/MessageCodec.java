package dev.queueworker.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.QueueMessage;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a queue message body into a task: plain JSON or Base64 of JSON, detected per message.
 * Every problem is an {@link InvalidMessageException} whose message names the field or says what is
 * wrong with the body.
 */
public final class MessageCodec {

    /** Task types: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit. */
    public static final Pattern TASK_TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final int MAX_TASK_ID_LENGTH = 256;

    private final int maxBodyBytes;

    public MessageCodec(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The fields of a decoded message. {@code webhookUrl} is nullable. */
    public record Decoded(String taskId, String taskType, ObjectNode payload, String webhookUrl, boolean base64) {
    }

    /** What was read of a message before it turned out bad; every field nullable. */
    public record Partial(String taskId, String taskType, String webhookUrl) {
        static final Partial NONE = new Partial(null, null, null);
    }

    public Decoded decode(QueueMessage message) {
        String body = message.body();
        checkSize(body);
        boolean base64 = !startsWithBrace(body);
        String json = base64 ? decodeBase64(body) : body;
        JsonNode root;
        try {
            root = Json.TREE_READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw invalid("body", (base64 ? "Base64-decoded body is not valid JSON: " : "is not valid JSON: ")
                    + e.getOriginalMessage(), Partial.NONE);
        }
        if (root == null || !root.isObject()) {
            throw invalid("body", "must be a JSON object, was " + describe(root), Partial.NONE);
        }
        String webhookUrl;
        try {
            webhookUrl = webhookUrl(root.get("webhook_url"));
        } catch (InvalidMessageException e) {
            // Report the first problem, but keep reading what we can for the failed webhook.
            String type = softText(root.get("task_type"));
            throw invalid(e.field(), problemOf(e), new Partial(softTaskId(root), type, null));
        }
        Partial partial = new Partial(softTaskId(root), softText(root.get("task_type")), webhookUrl);
        String taskId = taskId(root.get("task_id"), message.messageId(), partial);
        String taskType = taskType(root.get("task_type"), partial);
        ObjectNode payload = payload(root.get("payload"), partial);
        return new Decoded(taskId, taskType, payload, webhookUrl, base64);
    }

    private void checkSize(String body) {
        // Cheap bound first: a UTF-16 unit never takes more than 3 UTF-8 bytes.
        if ((long) body.length() * 3 <= maxBodyBytes) {
            return;
        }
        int bytes = utf8Length(body);
        if (bytes > maxBodyBytes) {
            throw invalid("body", "is " + bytes + " bytes, over the limit of " + maxBodyBytes + " bytes",
                    Partial.NONE);
        }
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static boolean startsWithBrace(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static String decodeBase64(String body) {
        String trimmed = body.strip();
        if (trimmed.isEmpty()) {
            throw invalid("body", "is empty", Partial.NONE);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw invalid("body", "is neither JSON nor valid Base64 (" + e.getMessage() + ")", Partial.NONE);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("body", "is Base64 but does not decode to UTF-8 text", Partial.NONE);
        }
        if (!startsWithBrace(text)) {
            throw invalid("body", "is Base64 but does not decode to a JSON object", Partial.NONE);
        }
        return text;
    }

    private static String taskId(JsonNode node, String messageId, Partial partial) {
        if (node == null || node.isNull()) {
            return messageId;
        }
        if (!node.isTextual()) {
            throw invalid("task_id", "must be a string, was " + describe(node), partial);
        }
        String id = node.textValue();
        if (id.isBlank()) {
            throw invalid("task_id", "must not be blank", partial);
        }
        if (id.length() > MAX_TASK_ID_LENGTH) {
            throw invalid("task_id", "must be at most " + MAX_TASK_ID_LENGTH + " characters, was " + id.length(),
                    partial);
        }
        if (hasControl(id)) {
            throw invalid("task_id", "must not contain control characters", partial);
        }
        return id;
    }

    private static String taskType(JsonNode node, Partial partial) {
        if (node == null || node.isNull()) {
            throw invalid("task_type", "is required", partial);
        }
        if (!node.isTextual()) {
            throw invalid("task_type", "must be a string, was " + describe(node), partial);
        }
        String type = node.textValue();
        if (type.isBlank()) {
            throw invalid("task_type", "must not be blank", partial);
        }
        if (!isTaskType(type)) {
            throw invalid("task_type", "must be 1 to 64 lowercase letters, digits, '.', '_' or '-', was '"
                    + printable(type) + "'", partial);
        }
        return type;
    }

    private static ObjectNode payload(JsonNode node, Partial partial) {
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw invalid("payload", "must be a JSON object, was " + describe(node), partial);
        }
        return (ObjectNode) node;
    }

    private static String webhookUrl(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid("webhook_url", "must be a string, was " + describe(node), Partial.NONE);
        }
        String url = node.textValue();
        String problem = checkWebhookUrl(url);
        if (problem != null) {
            throw invalid("webhook_url", problem, Partial.NONE);
        }
        return url;
    }

    /** {@link #TASK_TYPE} without a regex: this runs for every message. */
    static boolean isTaskType(String type) {
        int length = type.length();
        if (length == 0 || length > 64) {
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

    /** Why {@code url} is not an acceptable webhook URL, or null when it is. */
    public static String checkWebhookUrl(String url) {
        if (url.length() > 2048) {
            return "must be at most 2048 characters";
        }
        if (hasControl(url)) {
            return "must not contain control characters";
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "must be an absolute http or https URL";
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return "must name a host";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL (" + e.getReason() + ")";
        }
    }

    private static String softTaskId(JsonNode root) {
        return softText(root.get("task_id"));
    }

    /** A string field's value when it is harmless to echo in a webhook, else null. */
    private static String softText(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        String text = node.textValue();
        return text.isBlank() || text.length() > MAX_TASK_ID_LENGTH || hasControl(text) ? null : text;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        StringBuilder out = new StringBuilder();
        for (char c : cut.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    private static String describe(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String problemOf(InvalidMessageException e) {
        String message = e.getMessage();
        String prefix = e.field() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static InvalidMessageException invalid(String field, String problem, Partial partial) {
        return new InvalidMessageException(field, problem, partial);
    }
}
