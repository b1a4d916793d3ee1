package dev.queueworker.ai.internal.budget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * The requests and tokens one API key may spend per window (a minute), shared by every call in the
 * process that uses the key ({@link ApiBudgets}). A call {@link #acquire acquires} room for one
 * request and its estimated tokens, waiting while the window is full; when it completes it settles
 * its actual tokens and hands over the response's rate-limit headers, from which the budget learns
 * the limits it was not given and the spending of other workers on the same key. A 429 pauses every
 * call until its {@code Retry-After}.
 *
 * <p>Limits: a configured limit (greater than 0) wins; otherwise {@code x-ratelimit-limit-*}; until
 * a first response has been seen, one call at a time is sent, so the process's first burst (16
 * tasks starting at once) cannot overrun a limit it does not know yet. Thread-safe.
 */
final class ApiBudget {
    private static final Duration MAX_SLICE = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String name;
    private final long windowMillis;
    private final Clock clock;
    private final Pause pause;
    private final SlidingWindow requests;
    private final SlidingWindow tokens;
    private long configuredRequests;
    private long configuredTokens;
    private long learnedRequests;
    private long learnedTokens;
    private boolean heard;
    private int inFlight;
    private long pausedUntil;

    ApiBudget(String name, Duration window, Clock clock, Pause pause) {
        this.name = Objects.requireNonNull(name, "'name' cannot be null.");
        this.windowMillis = window.toMillis();
        this.clock = Objects.requireNonNull(clock, "'clock' cannot be null.");
        this.pause = Objects.requireNonNull(pause, "'pause' cannot be null.");
        this.requests = new SlidingWindow(windowMillis);
        this.tokens = new SlidingWindow(windowMillis);
    }

    /** Sets the configured limits per window; 0 learns that limit from the API's headers. */
    synchronized void configure(long requestsPerWindow, long tokensPerWindow) {
        this.configuredRequests = Math.max(0, requestsPerWindow);
        this.configuredTokens = Math.max(0, tokensPerWindow);
    }

    /** The limits now in force per window; 0 where none is known. */
    synchronized long requestLimit() {
        return configuredRequests > 0 ? configuredRequests : learnedRequests;
    }

    synchronized long tokenLimit() {
        return configuredTokens > 0 ? configuredTokens : learnedTokens;
    }

    /**
     * Waits until one request of {@code estimatedTokens} fits, and holds that room.
     *
     * @throws BudgetExceededException when the room would not come before {@code deadline}, or
     *     the calling task is cancelled ({@link CallCancellation}) or its thread interrupted
     */
    Permit acquire(long estimatedTokens, Instant deadline) {
        BooleanSupplier cancelled = CallCancellation.current();
        long end = deadline.toEpochMilli();
        while (true) {
            long slice;
            long generation = pause.generation();
            synchronized (this) {
                long now = clock.millis();
                long wait = waitMillis(now, estimatedTokens);
                if (wait == 0) {
                    inFlight++;
                    return new Permit(estimatedTokens, requests.reserve(now, 1), tokens.reserve(now, estimatedTokens));
                }
                if (now >= end || (wait > 0 && now + wait > end)) {
                    throw new BudgetExceededException(name + ": no room for " + estimatedTokens + " tokens within "
                            + "the maximum wait ('openAiMaxWait'); "
                            + (wait > 0 ? "the rate limit frees it in " + wait + " ms" : "calls in flight hold it"),
                            false);
                }
                slice = Math.min(wait > 0 ? wait : end - now, MAX_SLICE.toMillis());
            }
            if (cancelled.getAsBoolean()) {
                throw new BudgetExceededException(name + ": the task was cancelled while waiting for the rate limit",
                        true);
            }
            try {
                pause.pause(Duration.ofMillis(slice), generation);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BudgetExceededException(name + ": interrupted while waiting for the rate limit", true);
            }
        }
    }

    /** 0 when a call of {@code need} tokens may go now; else how long to wait, or -1 until a call completes. */
    private long waitMillis(long now, long need) {
        long wait = Math.max(0, pausedUntil - now);
        boolean known = heard || (configuredRequests > 0 && configuredTokens > 0);
        if (!known && inFlight > 0) {
            return wait > 0 ? wait : SlidingWindow.UNTIL_A_CALL_COMPLETES;
        }
        long requestLimit = requestLimit();
        long tokenLimit = tokenLimit();
        long r = requestLimit > 0 ? requests.waitMillis(now, 1, requestLimit) : 0;
        long t = tokenLimit > 0 ? tokens.waitMillis(now, need, tokenLimit) : 0;
        if (r < 0 || t < 0) {
            return wait > 0 ? wait : SlidingWindow.UNTIL_A_CALL_COMPLETES;
        }
        return Math.max(wait, Math.max(r, t));
    }

    /** Learns limits and other workers' spending from a response's headers. */
    private void learn(long now, RateLimitHeaders headers) {
        heard = true;
        headers.limitRequests().ifPresent(v -> learnedRequests = v);
        headers.limitTokens().ifPresent(v -> learnedTokens = v);
        fold(requests, requestLimit(), now, headers.remainingRequests(), headers.resetRequests());
        fold(tokens, tokenLimit(), now, headers.remainingTokens(), headers.resetTokens());
    }

    /** Spending the server counts and this process did not make is added, until the server's reset. */
    private void fold(SlidingWindow window, long limit, long now, OptionalLong remaining, Optional<Duration> reset) {
        if (limit <= 0 || remaining.isEmpty()) {
            return;
        }
        long others = (limit - window.used(now)) - remaining.getAsLong();
        if (others > 0) {
            long gone = reset.map(Duration::toMillis).filter(ms -> ms < windowMillis).orElse(windowMillis);
            window.external(others, now + Math.max(1, gone));
        }
    }

    @Override
    public synchronized String toString() {
        return "ApiBudget[" + name + ", requests " + requestLimit() + ", tokens " + tokenLimit() + " per "
                + Duration.ofMillis(windowMillis) + "]";
    }

    /** The room one call holds; settle it exactly once. */
    final class Permit {
        private final long estimate;
        private final SlidingWindow.Spend request;
        private final SlidingWindow.Spend spentTokens;
        private boolean settled;

        private Permit(long estimate, SlidingWindow.Spend request, SlidingWindow.Spend spentTokens) {
            this.estimate = estimate;
            this.request = request;
            this.spentTokens = spentTokens;
        }

        /** The call succeeded, spending {@code actualTokens} (its {@code usage}; negative: the estimate). */
        void completed(RateLimitHeaders headers, long actualTokens) {
            settle(headers, actualTokens >= 0 ? actualTokens : estimate);
        }

        /** The call failed otherwise than by a rate limit; its estimate counts. */
        void failed(RateLimitHeaders headers) {
            settle(headers, estimate);
        }

        /**
         * The API answered 429: every call pauses until its {@code Retry-After} (else the reset of the
         * exhausted limit, else a backoff growing with {@code attempt}, from 1).
         *
         * @return how long calls pause
         */
        Duration rateLimited(RateLimitHeaders headers, int attempt) {
            Duration wait = headers.retryAfter().orElseGet(() -> reset(headers)
                    .orElseGet(() -> backoff(attempt)));
            synchronized (ApiBudget.this) {
                settle(headers, 0); // the server did not count the tokens of a call it refused
                pausedUntil = Math.max(pausedUntil, clock.millis() + wait.toMillis());
            }
            return wait;
        }

        private void settle(RateLimitHeaders headers, long actualTokens) {
            synchronized (ApiBudget.this) {
                if (settled) {
                    return;
                }
                settled = true;
                inFlight--;
                long now = clock.millis();
                requests.settle(request, now, 1);
                tokens.settle(spentTokens, now, actualTokens);
                learn(now, headers);
            }
            pause.wake();
        }
    }

    private static Optional<Duration> reset(RateLimitHeaders h) {
        if (h.remainingTokens().isPresent() && h.remainingTokens().getAsLong() == 0 && h.resetTokens().isPresent()) {
            return h.resetTokens();
        }
        if (h.remainingRequests().isPresent() && h.remainingRequests().getAsLong() == 0
                && h.resetRequests().isPresent()) {
            return h.resetRequests();
        }
        return h.resetTokens().or(h::resetRequests);
    }

    private static Duration backoff(int attempt) {
        Duration d = Duration.ofSeconds(1L << Math.min(5, Math.max(0, attempt - 1)));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
