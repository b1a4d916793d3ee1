package dev.queueworker.core.internal;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.TaskContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TaskContext} of one run of one message. */
final class RunContext implements TaskContext {
    private static final Logger log = LoggerFactory.getLogger(RunContext.class);

    private final int attempt;
    private final DocumentStore documents;
    private final Clock clock;
    private final BiConsumer<Double, String> progress;
    private final AtomicReference<CancellationReason> cancellation = new AtomicReference<>();
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();

    RunContext(int attempt, DocumentStore documents, Clock clock, BiConsumer<Double, String> progress) {
        this.attempt = attempt;
        this.documents = documents;
        this.clock = clock;
        this.progress = progress;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public boolean isCancelled() {
        return cancellation.get() != null;
    }

    @Override
    public Optional<CancellationReason> cancellationReason() {
        return Optional.ofNullable(cancellation.get());
    }

    @Override
    public void onCancel(Runnable action) {
        onCancel.add(action);
        if (isCancelled() && onCancel.remove(action)) {
            runQuietly(action);
        }
    }

    /** Cancels the run once; later calls do nothing. */
    void cancel(CancellationReason reason) {
        if (cancellation.compareAndSet(null, reason)) {
            for (Runnable action : onCancel) {
                if (onCancel.remove(action)) {
                    runQuietly(action);
                }
            }
        }
    }

    @Override
    public void reportProgress(double fraction, String message) {
        progress.accept(fraction, message);
    }

    @Override
    public DocumentStore documents() {
        return documents;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("A task's cancellation callback failed", e);
        }
    }
}
