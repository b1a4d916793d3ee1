package dev.queueworker.azure;

import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.time.Duration;

/** The Azure SDK retry settings both adapters' builders take, checked the same way. */
final class SdkRetries {
    private SdkRetries() {
    }

    /** @throws IllegalArgumentException naming {@code option} when {@code value} is null, zero or negative */
    static Duration positive(String option, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be positive, was " + value);
        }
        return value;
    }

    /**
     * Exponential retries of each SDK call.
     *
     * @throws IllegalStateException when {@code maxRetryDelay} is shorter than {@code retryDelay}
     */
    static RequestRetryOptions exponential(int maxTries, Duration tryTimeout, Duration retryDelay,
            Duration maxRetryDelay) {
        if (maxRetryDelay.compareTo(retryDelay) < 0) {
            throw new IllegalStateException(
                    "maxRetryDelay (" + maxRetryDelay + ") must not be shorter than retryDelay (" + retryDelay + ")");
        }
        return new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, maxTries, tryTimeout, retryDelay, maxRetryDelay,
                null);
    }
}
