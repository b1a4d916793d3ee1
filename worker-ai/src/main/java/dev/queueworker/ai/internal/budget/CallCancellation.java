package dev.queueworker.ai.internal.budget;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Lets a call waiting for its budget see that its task was cancelled: the engine does not
 * interrupt a cancelled task's thread, it sets a flag ({@code TaskContext.isCancelled()}), and the
 * model client between the handler and the budget cannot pass it on. So a handler runs its model
 * calls inside {@link #during}, and {@link ApiBudget} checks {@link #current()} while it waits.
 */
public final class CallCancellation {
    private static final BooleanSupplier NEVER = () -> false;
    private static final ThreadLocal<BooleanSupplier> CURRENT = new ThreadLocal<>();

    private CallCancellation() {
    }

    /** Runs {@code calls} on this thread with {@code cancelled} as the cancellation of their budget waits. */
    public static <T> T during(BooleanSupplier cancelled, Supplier<T> calls) {
        BooleanSupplier outer = CURRENT.get();
        CURRENT.set(cancelled);
        try {
            return calls.get();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The cancellation of the calls running on this thread; never cancelled outside {@link #during}. */
    static BooleanSupplier current() {
        BooleanSupplier c = CURRENT.get();
        return c == null ? NEVER : c;
    }
}
