package dev.queueworker.runner.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code queue-worker demo} (placeholder: being built). */
@Command(name = "demo", description = "(not built yet)")
final class DemoCommand implements Callable<Integer> {

    private final CliContext context;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw new CommandFailedException("demo is not built yet");
    }
}
