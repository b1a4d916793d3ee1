package dev.queueworker.ai.internal.budget;

import java.time.LocalDate;

/** Where a client's spent tokens of each day are counted. Thread-safe. */
public interface TokenLedger {

    /** The tokens counted on {@code day}; 0 for a day not seen. */
    long spentOn(LocalDate day);

    /** Adds {@code tokens} to {@code day}'s count (a later day replaces an earlier one) and returns the new count. */
    long add(LocalDate day, long tokens);
}
