package dev.queueworker.runner.internal.cli;

import dev.queueworker.runner.internal.config.RunnerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --env-file}, shared by the commands that read the configuration. */
public final class ConfigOptions {

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "Read variables from FILE instead of ./.env; the environment still wins.")
    Path envFile;

    /** Loads the configuration of {@code context}. */
    public RunnerConfig load(CliContext context) {
        return load(context, null);
    }

    /** Loads the configuration of {@code context} for {@code client} ({@code --client}; null: CLIENT_ID as set). */
    public RunnerConfig load(CliContext context, String client) {
        return RunnerConfig.load(context.environment(), context.workingDirectory(), envFile, client);
    }
}
