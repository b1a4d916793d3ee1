package dev.queueworker.core.internal;

import java.time.Duration;
import java.util.Objects;

/** What becomes of a message after a run, as {@link OutcomePolicy} decides it. */
sealed interface Decision {

    /** Done: delete the message. */
    record Complete() implements Decision {
    }

    /** Give the message back, visible again after {@code delay}. */
    record Retry(Duration delay) implements Decision {
        public Retry {
            Objects.requireNonNull(delay, "'delay' cannot be null.");
        }
    }

    /**
     * Ends the message for good on the poison queue.
     *
     * @param reason what went wrong, for a person; also the {@code failed} webhook's error message
     * @param errorType the poison envelope's and the webhook's error type
     */
    record Poison(String reason, String errorType) implements Decision {
        public Poison {
            Objects.requireNonNull(reason, "'reason' cannot be null.");
            Objects.requireNonNull(errorType, "'errorType' cannot be null.");
        }
    }

    Complete COMPLETE = new Complete();
}
