package dev.queueworker.runner.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code queue-worker bench} (placeholder: being built). */
@Command(name = "bench", description = "(not built yet)")
final class BenchCommand implements Callable<Integer> {

    private final CliContext context;

    BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw new CommandFailedException("bench is not built yet");
    }
}
