package dev.queueworker.test;

import dev.queueworker.api.CancellationReason;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.TaskContext;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.core.ManualScheduler;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link TaskContext} for calling a handler directly in a unit test: an in-memory document store,
 * a manual clock, recorded progress, and cancellation the test controls.
 *
 * <pre>{@code
 * TestTaskContext context = new TestTaskContext();
 * context.documents().put("a.txt", new ByteArrayInputStream(bytes), bytes.length, "text/plain");
 * handler.handle(TestTasks.aTask("ingest").payload("filename", "a.txt").build(), context);
 * assertThat(context.progress()).isNotEmpty();
 * }</pre>
 */
public final class TestTaskContext implements TaskContext {

    /** One progress report. */
    public record Progress(double fraction, String message) {
    }

    private final DocumentStore documents;
    private final ManualScheduler time;
    private final int attempt;
    private final AtomicReference<CancellationReason> cancellation = new AtomicReference<>();
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
    private final List<Progress> progress = new CopyOnWriteArrayList<>();

    public TestTaskContext() {
        this(new InMemoryDocumentStore(), 1);
    }

    public TestTaskContext(DocumentStore documents, int attempt) {
        this.documents = documents;
        this.attempt = attempt;
        this.time = new ManualScheduler();
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
            action.run();
        }
    }

    /** Cancels the run as the engine would. */
    public void cancel(CancellationReason reason) {
        if (cancellation.compareAndSet(null, reason)) {
            for (Runnable action : onCancel) {
                if (onCancel.remove(action)) {
                    action.run();
                }
            }
        }
    }

    @Override
    public void reportProgress(double fraction, String message) {
        progress.add(new Progress(fraction, message));
    }

    /** Every progress report so far. */
    public List<Progress> progress() {
        return List.copyOf(progress);
    }

    @Override
    public DocumentStore documents() {
        return documents;
    }

    @Override
    public Clock clock() {
        return time.clock();
    }

    /** The manual time behind {@link #clock()}. */
    public ManualScheduler time() {
        return time;
    }
}
