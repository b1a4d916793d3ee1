package dev.queueworker.api;

import java.util.Objects;

/**
 * The {@code error} object of a {@code failed} webhook and of a poison message.
 *
 * @param type the exception's simple class name, or a reason code such as {@code InvalidMessage}
 * @param message what went wrong, for a person
 */
public record TaskError(String type, String message) {
    public TaskError {
        Objects.requireNonNull(type, "'type' cannot be null.");
        Objects.requireNonNull(message, "'message' cannot be null.");
    }
}
