package dev.queueworker.core.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Logs queue failures once per outage, not once per call: the first failure at WARN, the rest at
 * DEBUG, and one INFO line when a receive works again.
 */
final class QueueOutageLog {
    private final Logger log;
    private final Duration pollingInterval;
    private final AtomicInteger failures = new AtomicInteger();

    QueueOutageLog(Logger log, Duration pollingInterval) {
        this.log = log;
        this.pollingInterval = pollingInterval;
    }

    void failed(String what, RuntimeException e) {
        int inARow = failures.incrementAndGet();
        if (inARow == 1) {
            log.warn("The queue is failing ({}): {}; retrying with backoff up to {}, next line when it works again",
                    what, OutcomePolicy.describe(e), pollingInterval);
        } else {
            log.debug("The queue failed again ({}, {} in a row): {}", what, inARow, OutcomePolicy.describe(e));
        }
    }

    void worked() {
        if (failures.get() == 0) {
            return;
        }
        int inARow = failures.getAndSet(0);
        if (inARow > 0) {
            log.info("The queue works again after {} failed call(s)", inARow);
        }
    }
}
