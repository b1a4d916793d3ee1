package dev.queueworker.api;

import java.util.Objects;

/**
 * A message or payload that is wrong and will stay wrong: names the offending field.
 *
 * <pre>{@code
 * throw new InvalidTaskException("payload.filename", "must not be empty");
 * // message: "payload.filename: must not be empty"
 * }</pre>
 */
public class InvalidTaskException extends PermanentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the offending field as a dotted path, such as {@code payload.filename}
     * @param problem what is wrong with it, such as {@code must not be empty}
     */
    public InvalidTaskException(String field, String problem) {
        super(Objects.requireNonNull(field, "'field' cannot be null.") + ": "
                + Objects.requireNonNull(problem, "'problem' cannot be null."));
        this.field = field;
    }

    /** The offending field as a dotted path, such as {@code payload.filename}. */
    public String field() {
        return field;
    }
}
