package dev.queueworker.runner.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code queue-worker check} (placeholder: being built). */
@Command(name = "check", description = "(not built yet)")
final class CheckCommand implements Callable<Integer> {

    private final CliContext context;

    CheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw new CommandFailedException("check is not built yet");
    }
}
