package dev.queueworker.core.internal;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Thread factories whose threads say whose they are: in thread dumps by their names, in log lines by
 * the MDC of the thread that made the factory (a daemon serving several clients puts
 * {@code client_id} there before it builds a client's worker, and every engine thread carries it).
 */
public final class NamedThreads {
    private NamedThreads() {
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, …, with the caller's MDC. */
    public static ThreadFactory daemon(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        Map<String, String> context = MDC.getCopyOfContextMap();
        return runnable -> {
            Runnable withContext = context == null || context.isEmpty() ? runnable : () -> {
                MDC.setContextMap(context);
                runnable.run();
            };
            Thread thread = new Thread(withContext, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
