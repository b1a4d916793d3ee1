package dev.queueworker.runner;

import dev.queueworker.runner.internal.cli.Cli;
import dev.queueworker.runner.internal.cli.CliContext;

/**
 * The {@code queue-worker} command: {@code java -jar queue-worker.jar <command>}. Commands are
 * {@code run}, {@code demo}, {@code submit}, {@code check}, {@code poison}, {@code bench} and
 * {@code version}; {@code --help} on each says more. Exit codes: 0 success, 1 runtime failure, 2 bad
 * usage or configuration.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        CliContext context = CliContext.system();
        Cli.configureLogging(context, args);
        // Exits even when a library left a non-daemon thread behind.
        System.exit(Cli.execute(context, args));
    }
}
