package dev.queueworker.ai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.Task;
import java.util.Optional;
import java.util.OptionalLong;

/** Checks of the payload fields the AI handlers share; every error names its field. */
public final class PayloadFields {

    /** The longest {@code filename} or {@code document_set}. */
    public static final int MAX_NAME_LENGTH = 255;

    private PayloadFields() {
    }

    /**
     * A required name such as {@code filename} or {@code document_set}: a non-blank string of at most
     * {@value #MAX_NAME_LENGTH} characters without control characters.
     */
    public static String name(Task task, String field) {
        String value = task.requireString(field); // not blank, no control characters
        if (value.length() > MAX_NAME_LENGTH) {
            throw new InvalidTaskException("payload." + field, "is " + value.length() + " characters; at most "
                    + MAX_NAME_LENGTH + " are allowed");
        }
        return value;
    }

    /** An optional whole number within {@code [min, max]}, read as {@link Task#optionalLong} reads it. */
    public static Optional<Integer> optionalInt(Task task, String field, int min, int max) {
        OptionalLong value = task.optionalLong(field);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        long v = value.getAsLong();
        if (v < min || v > max) {
            throw new InvalidTaskException("payload." + field, "must be " + min + " to " + max + ", was " + v);
        }
        return Optional.of((int) v);
    }

    /**
     * An optional free text of at most {@code maxLength} characters, such as instructions: line breaks
     * and tabs are allowed, other control characters are not. Blank counts as absent.
     */
    public static Optional<String> optionalText(Task task, String field, int maxLength) {
        JsonNode node = task.payload().get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new InvalidTaskException("payload." + field, "must be a string");
        }
        String value = node.textValue();
        if (value.length() > maxLength) {
            throw new InvalidTaskException("payload." + field, "is " + value.length() + " characters; at most "
                    + maxLength + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                throw new InvalidTaskException("payload." + field, "must not contain control characters other than"
                        + " line breaks and tabs");
            }
        }
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
