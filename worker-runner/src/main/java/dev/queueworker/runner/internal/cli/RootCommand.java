package dev.queueworker.runner.internal.cli;

import picocli.CommandLine.Command;

/** {@code queue-worker}: the command tree. */
@Command(name = "queue-worker", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Runs long tasks off Azure Storage Queue and reports each outcome by webhook.",
        subcommands = {RunCommand.class, DemoCommand.class, SubmitCommand.class, CheckCommand.class,
            PoisonCommand.class, BenchCommand.class, VersionCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  runtime failure (a service unreachable, a check failed)",
            "  2  bad usage or configuration (nothing was started)",
            "", "Configuration comes from the environment, then ./.env or --env-file (the environment wins).",
            "Every variable: docs/configuration.md."})
public final class RootCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a command");
    }
}
