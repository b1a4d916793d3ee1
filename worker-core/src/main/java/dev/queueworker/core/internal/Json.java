package dev.queueworker.core.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The engine's one configured Jackson mapper. */
public final class Json {
    /**
     * Strict: duplicate keys and trailing tokens are errors, and error messages never quote the
     * source (message bodies may hold customer data).
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** Reads trees without resolving the target type on every call, which {@code readTree} does. */
    public static final ObjectReader TREE_READER = MAPPER.readerFor(JsonNode.class);

    private Json() {
    }
}
