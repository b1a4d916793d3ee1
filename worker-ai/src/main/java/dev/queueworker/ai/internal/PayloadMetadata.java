package dev.queueworker.ai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.api.InvalidTaskException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** The rules of an {@code ingest} payload's {@code metadata} object, copied onto every chunk. */
public final class PayloadMetadata {
    private static final int MAX_METADATA_KEYS = 64;
    private static final int MAX_METADATA_VALUE_CHARS = 2_000;

    private PayloadMetadata() {
    }

    /**
     * The payload's {@code metadata}: flat strings, numbers and booleans, none of the
     * {@code reserved} keys; empty when absent.
     *
     * @throws InvalidTaskException naming the field at fault
     */
    public static Map<String, Object> read(JsonNode node, Set<String> reserved) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new InvalidTaskException("payload.metadata", "must be a JSON object");
        }
        if (node.size() > MAX_METADATA_KEYS) {
            throw new InvalidTaskException("payload.metadata", "has " + node.size() + " keys; at most "
                    + MAX_METADATA_KEYS + " are allowed");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            String field = "payload.metadata." + key;
            if (reserved.contains(key)) {
                throw new InvalidTaskException(field, "is set by the worker itself; use another key");
            }
            if (key.isEmpty() || key.length() > 64 || !key.matches("[A-Za-z0-9_.\\-]+")) {
                throw new InvalidTaskException(field, "keys must be 1-64 letters, digits, '_', '-' or '.'");
            }
            JsonNode value = entry.getValue();
            if (value.isTextual()) {
                if (value.textValue().length() > MAX_METADATA_VALUE_CHARS) {
                    throw new InvalidTaskException(field, "is longer than " + MAX_METADATA_VALUE_CHARS + " characters");
                }
                out.put(key, value.textValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                out.put(key, value.longValue());
            } else if (value.isNumber()) {
                out.put(key, value.doubleValue());
            } else if (value.isBoolean()) {
                out.put(key, Boolean.toString(value.booleanValue()));
            } else {
                throw new InvalidTaskException(field, "must be a string, number or boolean, was "
                        + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }
}
