package dev.queueworker.runner.internal.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * What a command may touch of the world: the environment, the working directory, the output
 * streams and the stop signals. Tests build their own, so commands run in-process with a given
 * environment and a stop they trigger.
 */
public final class CliContext {

    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Runnable> stopListeners = new CopyOnWriteArrayList<>();

    public CliContext(Map<String, String> environment, Path workingDirectory, PrintStream out, PrintStream err) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.workingDirectory = workingDirectory.toAbsolutePath();
        this.out = out;
        this.err = err;
    }

    /**
     * The real process: {@link System#getenv()}, the current directory, and SIGTERM/SIGINT as stop
     * signals. The signals are taken over from the JVM, so that a drained daemon exits with 0
     * rather than the 143 of a JVM killed by a signal; a command that registered no stop listener
     * exits at once with the usual 128 + the signal's number.
     */
    public static CliContext system() {
        CliContext context = new CliContext(System.getenv(), Path.of(""), System.out, System.err);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    if (context.stopListeners.isEmpty()) {
                        System.exit(128 + signal.getNumber());
                    }
                    context.requestStop();
                });
            } catch (IllegalArgumentException e) {
                // The signal is not available here (or reserved by the JVM's options): the default stays.
            }
        }
        return context;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** Registers what to do on SIGTERM or SIGINT (or a test's {@link #requestStop()}). */
    public void onStop(Runnable listener) {
        stopListeners.add(listener);
    }

    /** Runs the stop listeners, as a signal does. */
    public void requestStop() {
        for (Runnable listener : stopListeners) {
            listener.run();
        }
    }
}
