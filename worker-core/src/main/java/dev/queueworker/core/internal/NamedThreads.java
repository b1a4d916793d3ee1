package dev.queueworker.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories whose threads say whose they are in thread dumps. */
public final class NamedThreads {
    private NamedThreads() {
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, … */
    public static ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
