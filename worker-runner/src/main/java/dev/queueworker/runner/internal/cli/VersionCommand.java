package dev.queueworker.runner.internal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code queue-worker version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Prints the version, the Java runtime and the operating system.")
final class VersionCommand implements Callable<Integer> {

    private final CliContext context;

    VersionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        for (String line : new Provider().getVersion()) {
            context.out().println(line);
        }
        return Cli.OK;
    }

    /** The version lines, also for {@code --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"queue-worker " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch")};
        }
    }

    /** The jar's Implementation-Version, or {@code dev} when run from classes. */
    static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
