package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookDelivery.Outcome;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.core.internal.Decision.Poison;
import dev.queueworker.core.internal.Decision.Retry;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every rule of the policy, without a queue, a clock or a thread. */
class OutcomePolicyTest {
    private final OutcomePolicy policy = new OutcomePolicy(WorkerOptions.builder().maxDequeueCount(3)
            .retryBaseDelay(Duration.ofSeconds(10)).retryMaxDelay(Duration.ofMinutes(10)).webhookMaxAttempts(4)
            .build(), () -> 0);

    @Test
    void successCompletes() {
        assertThat(policy.afterRun(1, null)).isEqualTo(Decision.COMPLETE);
    }

    @Test
    void aTransientFailureRetriesWithADelayGrowingWithTheAttempt() {
        assertThat(policy.afterRun(1, new RetryableException("503"))).isEqualTo(new Retry(Duration.ofSeconds(10)));
        assertThat(policy.afterRun(2, new IllegalStateException("boom"))).isEqualTo(new Retry(Duration.ofSeconds(20)));
    }

    @Test
    void aTransientFailureThatKnowsWhenToRetryIsRetriedThenAndStillCountsAsAnAttempt() {
        RetryableException overBudget = new RetryableException("over budget until midnight", Duration.ofHours(5));

        assertThat(policy.afterRun(1, overBudget)).isEqualTo(new Retry(Duration.ofHours(5)));
        assertThat(policy.afterRun(3, overBudget)).isEqualTo(new Poison(
                "failed 3 times (maxDequeueCount is 3); last error: over budget until midnight", "RetryableException"));
    }

    @Test
    void aFailureOnTheLastAttemptIsPoisonNamingTheCountAndTheError() {
        Decision decision = policy.afterRun(3, new IllegalStateException("disk on fire"));

        assertThat(decision).isEqualTo(new Poison("failed 3 times (maxDequeueCount is 3); last error: "
                + "IllegalStateException: disk on fire", "IllegalStateException"));
    }

    @Test
    void aPermanentFailureIsPoisonAtOnceUnderItsOwnType() {
        assertThat(policy.afterRun(1, new PermanentException("encrypted PDF")))
                .isEqualTo(new Poison("encrypted PDF", "PermanentException"));
        assertThat(policy.afterRun(1, new InvalidTaskException("payload.text", "must be a string")))
                .isEqualTo(new Poison("payload.text: must be a string", "InvalidTaskException"));
    }

    @Test
    void anUnknownTypeOrAMessageReceivedTooOftenIsPoisonBeforeItRuns() {
        assertThat(policy.beforeRun("nope", Set.of("echo", "block"), 1)).contains(
                new Poison("task_type: unknown type 'nope' (known: block, echo)", "InvalidMessage"));
        assertThat(policy.beforeRun("echo", Set.of("echo"), 4)).contains(
                new Poison("gave up after 3 attempts (maxDequeueCount is 3)", "MaxDequeueCountExceeded"));
        assertThat(policy.beforeRun("echo", Set.of("echo"), 3)).isEmpty();
    }

    @Test
    void aRefusedOrRejectedFirstDeliveryIsKeptAndTheOthersAreNot() {
        assertThat(policy.afterDelivery(delivery(Outcome.REFUSED, "refused: 169.254.169.254 is link-local")))
                .contains(new Poison("webhook refused: refused: 169.254.169.254 is link-local", "WebhookRejected"));
        assertThat(policy.afterDelivery(delivery(Outcome.REJECTED, "HTTP 410")))
                .contains(new Poison("webhook rejected: HTTP 410", "WebhookRejected"));
        assertThat(policy.afterDelivery(delivery(Outcome.DELIVERED, "HTTP 200"))).isEmpty();
        assertThat(policy.afterDelivery(delivery(Outcome.RETRY_LATER, "HTTP 503"))).as("kept on the queue instead")
                .isEmpty();
        assertThat(policy.afterDelivery(delivery(Outcome.SKIPPED, "webhooks off"))).isEmpty();
    }

    @Test
    void aKeptWebhookRetriesUntilWebhookMaxAttemptsThenIsPoison() {
        assertThat(policy.afterRedelivery(1, delivery(Outcome.RETRY_LATER, "HTTP 503")))
                .isEqualTo(new Retry(Duration.ofSeconds(20)));
        assertThat(policy.afterRedelivery(4, delivery(Outcome.RETRY_LATER, "HTTP 503"))).isEqualTo(
                new Poison("webhook undeliverable after 4 attempts (webhookMaxAttempts is 4): HTTP 503",
                        "WebhookUndeliverable"));
        assertThat(policy.afterRedelivery(2, delivery(Outcome.DELIVERED, "HTTP 200"))).isEqualTo(Decision.COMPLETE);
        assertThat(policy.afterRedelivery(2, delivery(Outcome.SKIPPED, "off"))).isEqualTo(Decision.COMPLETE);
        assertThat(policy.afterRedelivery(2, delivery(Outcome.REJECTED, "HTTP 404")))
                .isEqualTo(new Poison("webhook rejected: HTTP 404", "WebhookRejected"));
    }

    @Test
    void errorsAreDescribedWithoutStackTraces() {
        assertThat(OutcomePolicy.describe(new RetryableException("upstream 503"))).isEqualTo("upstream 503");
        assertThat(OutcomePolicy.describe(new IllegalStateException("x"))).isEqualTo("IllegalStateException: x");
        assertThat(OutcomePolicy.describe(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
    }

    private static WebhookDelivery delivery(Outcome outcome, String detail) {
        return new WebhookDelivery(outcome, 0, 1, detail);
    }
}
