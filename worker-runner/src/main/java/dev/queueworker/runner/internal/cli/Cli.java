package dev.queueworker.runner.internal.cli;

import dev.queueworker.runner.internal.config.ConfigException;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Builds the picocli command tree and maps outcomes to the documented exit codes. */
public final class Cli {

    /** Success. */
    public static final int OK = 0;
    /** A runtime failure: a service unreachable, a check failed, a task failed. */
    public static final int FAILURE = 1;
    /** Bad usage or configuration: nothing was started. */
    public static final int USAGE = 2;

    private Cli() {
    }

    /** Runs {@code args} in {@code context} and returns the exit code. */
    public static int execute(CliContext context, String... args) {
        return commandLine(context).execute(args);
    }

    /** Picks the logging configuration for {@code args}; call before anything logs (the real process only). */
    public static void configureLogging(CliContext context, String... args) {
        Logging.configure(context, args);
    }

    /** The command tree, its commands constructed with {@code context}. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new RootCommand(), new ContextFactory(context));
        cli.setOut(new PrintWriter(context.out(), true));
        cli.setErr(new PrintWriter(context.err(), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExitCodeExceptionMapper(e -> e instanceof ConfigException || e instanceof CommandLine.ParameterException
                ? USAGE : FAILURE);
        // A mistake on the command line is one line naming the option and where help is, not the
        // error followed by the whole usage text.
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine at = e.getCommandLine();
            at.getErr().println("queue-worker: " + e.getMessage() + " (see: " + at.getCommandSpec().qualifiedName()
                    + " --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof ConfigException) {
                err.println("queue-worker: configuration error: " + e.getMessage());
                return USAGE;
            }
            if (e instanceof CommandFailedException) {
                err.println("queue-worker: " + e.getMessage());
                return FAILURE;
            }
            err.println("queue-worker: " + commandLine.getCommandName() + " failed: " + Errors.describe(e));
            org.slf4j.LoggerFactory.getLogger(Cli.class).debug("{} failed", commandLine.getCommandName(), e);
            return FAILURE;
        });
        return cli;
    }

    /** Constructs commands with a {@link CliContext} constructor when they have one. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> withContext = type.getDeclaredConstructor(CliContext.class);
                withContext.setAccessible(true);
                return withContext.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
