package dev.queueworker.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The body level of the wire format: its size, plain JSON or Base64 of it, and JSON syntax. Every
 * problem is an {@link InvalidTaskMessageException} on the field {@code body}, in our words: Jackson's
 * and the JDK's messages quote the body or name their own switches, so they are never passed on.
 */
final class MessageBody {

    /**
     * Strict: duplicate keys and trailing tokens are errors, and locations never carry the source
     * (bodies may hold customer data).
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** Reads trees without resolving the target type on every call, which {@code readTree} does. */
    private static final ObjectReader TREE_READER = MAPPER.readerFor(JsonNode.class);

    private MessageBody() {
    }

    /** Refuses a body of more than {@code maxBytes} UTF-8 bytes. */
    static void checkSize(String body, int maxBytes) {
        // Cheap bound first: a UTF-16 unit never takes more than 3 UTF-8 bytes.
        if ((long) body.length() * 3 <= maxBytes) {
            return;
        }
        long bytes = utf8Length(body);
        if (bytes > maxBytes) {
            throw invalid("is " + bytes + " bytes, over the limit of " + maxBytes + " bytes");
        }
    }

    static long utf8Length(String s) {
        long bytes = 0;
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

    /** Whether the body is plain JSON: its first non-blank character opens an object or an array. */
    static boolean isPlainJson(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    /** The JSON text of a body: as it is, or decoded from Base64. */
    static String jsonText(String body) {
        return isPlainJson(body) ? body : decodeBase64(body);
    }

    /** Parses a JSON text into a tree; {@code what} says where it came from, for the message. */
    static JsonNode parse(String json, boolean fromBase64) {
        try {
            return TREE_READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw invalid((fromBase64 ? "is Base64 of text that is not valid JSON: " : "is not valid JSON: ")
                    + describe(e));
        }
    }

    private static String decodeBase64(String body) {
        String trimmed = body.strip();
        if (trimmed.isEmpty()) {
            throw invalid("is empty");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            boolean base64 = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+'
                    || c == '/' || c == '=';
            if (!base64) {
                throw invalid("is neither JSON nor valid Base64: character " + (i + 1) + " is "
                        + (i == 0 ? "neither '{' nor " : "not ") + "a Base64 character");
            }
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw invalid("is neither JSON nor valid Base64: its Base64 is incomplete or padded wrongly ("
                    + trimmed.length() + " characters)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("is Base64 but does not decode to UTF-8 text");
        }
        if (!isPlainJson(text)) {
            throw invalid("is Base64 but does not decode to a JSON object");
        }
        return text;
    }

    /** A Jackson failure in our words: what went wrong and where, never the source text. */
    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String lower = original.toLowerCase(Locale.ROOT);
        if (e instanceof JsonEOFException || lower.startsWith("unexpected end-of-input")) {
            return "it ends before the JSON is complete" + where;
        }
        if (lower.startsWith("duplicate field")) {
            // Jackson names the field; a field name is the contract's, not the customer's, when it is short.
            int open = original.indexOf('\'');
            int close = original.indexOf('\'', open + 1);
            String name = open >= 0 && close > open ? original.substring(open + 1, close) : "";
            boolean sayable = !name.isEmpty() && name.length() <= 64 && name.chars().allMatch(
                    c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-');
            return (sayable ? "Duplicate field '" + name + "'" : "a field appears twice") + where;
        }
        if (lower.startsWith("trailing token")) {
            return "more follows the JSON value" + where;
        }
        if (lower.contains("unrecognized token") || lower.startsWith("unexpected character")) {
            return "unexpected character" + where;
        }
        if (lower.contains("invalid utf-8") || lower.contains("illegal character") || lower.contains("illegal unquoted")) {
            return "a string holds a character JSON does not allow" + where;
        }
        return "malformed" + where;
    }

    private static InvalidTaskMessageException invalid(String problem) {
        return new InvalidTaskMessageException("body", problem, null, null, null);
    }
}
