package dev.queueworker.ai.internal.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The tokens of a request, estimated before it is sent as the API's rate limiter does (a token per
 * four characters of each input, plus a chat request's {@code max_tokens}), and the tokens a
 * response says it used ({@code usage.total_tokens}).
 */
final class RequestTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestTokens() {
    }

    /** The estimate for a request body of the embeddings or the chat completions API. */
    static long estimate(String body) {
        JsonNode json = parse(body);
        if (json == null || !json.isObject()) {
            return body == null ? 1 : characters(body.length());
        }
        long tokens = 0;
        JsonNode input = json.path("input");
        if (input.isTextual()) {
            tokens += characters(input.textValue().length());
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                tokens += characters(item.asText().length());
            }
        }
        for (JsonNode message : json.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                tokens += characters(content.textValue().length());
            } else {
                for (JsonNode part : content) {
                    tokens += characters(part.path("text").asText().length());
                }
            }
        }
        tokens += json.path("max_completion_tokens").asLong(json.path("max_tokens").asLong(0));
        return Math.max(1, tokens);
    }

    /** {@code usage.total_tokens} of a response body; -1 when it has none. */
    static long used(String body) {
        JsonNode json = parse(body);
        JsonNode total = json == null ? null : json.path("usage").path("total_tokens");
        return total != null && total.isIntegralNumber() ? total.asLong() : -1;
    }

    /** Whether a 429's body is OpenAI's {@code insufficient_quota}: out of credit, which no wait cures. */
    static boolean quotaExhausted(String body) {
        JsonNode json = parse(body);
        return json != null && "insufficient_quota".equals(json.path("error").path("code").asText(null));
    }

    private static long characters(int length) {
        return Math.max(1, (length + 3) / 4);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
