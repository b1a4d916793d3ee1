package dev.queueworker.runner.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code queue-worker submit} (placeholder: being built). */
@Command(name = "submit", description = "(not built yet)")
final class SubmitCommand implements Callable<Integer> {

    private final CliContext context;

    SubmitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw new CommandFailedException("submit is not built yet");
    }
}
