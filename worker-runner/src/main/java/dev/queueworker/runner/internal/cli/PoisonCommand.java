package dev.queueworker.runner.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code queue-worker poison} (placeholder: being built). */
@Command(name = "poison", description = "(not built yet)")
final class PoisonCommand implements Callable<Integer> {

    private final CliContext context;

    PoisonCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw new CommandFailedException("poison is not built yet");
    }
}
