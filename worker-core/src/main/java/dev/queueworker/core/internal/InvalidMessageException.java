package dev.queueworker.core.internal;

import dev.queueworker.api.InvalidTaskException;

/**
 * A message the codec cannot turn into a task. Carries what could be read before the problem, so the
 * {@code failed} webhook and the poison message can still name the task and reach its URL.
 */
public final class InvalidMessageException extends InvalidTaskException {
    private static final long serialVersionUID = 1L;

    private final transient MessageCodec.Partial partial;

    InvalidMessageException(String field, String problem, MessageCodec.Partial partial) {
        super(field, problem);
        this.partial = partial;
    }

    /** What was read before the problem; fields are nullable. */
    public MessageCodec.Partial partial() {
        return partial;
    }
}
