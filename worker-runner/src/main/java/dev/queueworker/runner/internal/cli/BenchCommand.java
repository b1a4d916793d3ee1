package dev.queueworker.runner.internal.cli;

import dev.queueworker.benchmarks.AzureBenchmark;
import dev.queueworker.benchmarks.EngineBenchmark;
import dev.queueworker.benchmarks.IngestBenchmark;
import dev.queueworker.runner.internal.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code queue-worker bench engine|azure|ingest}: the project's benchmarks, each printing its figures
 * and a last {@code RESULT} line (docs/benchmarks.md says what each compares).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs a benchmark and prints its RESULT line (see docs/benchmarks.md).",
        subcommands = {BenchCommand.Engine.class, BenchCommand.Azure.class, BenchCommand.Ingest.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a benchmark: engine, azure or ingest");
    }

    private static String orEnvironment(String given, CliContext context, String variable, String missing) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        String v = context.environment().get(variable);
        if (v == null || v.isBlank()) {
            throw new ConfigException(missing);
        }
        return v.strip();
    }

    @Command(name = "engine", mixinStandardHelpOptions = true,
            description = {"No-op tasks through the engine on the in-memory queue at concurrency 1, 4 and 16, side by"
                + " side with a minimal consumer.", "Options: [--tasks N] (default 200000)."})
    static final class Engine implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            EngineBenchmark.main(args.toArray(String[]::new));
            return Cli.OK;
        }
    }

    @Command(name = "azure", mixinStandardHelpOptions = true,
            description = {"Messages through the engine with the Azure provider, a raw 16-thread SDK loop and the"
                + " guide's naive loop, against AZURE_STORAGE_CONNECTION_STRING (use Azurite: measure on a test account).",
                "Options: [--messages N] (default 5000) [--rtt-ms MS] (an added network round trip)."})
    static final class Azure implements Callable<Integer> {
        @Option(names = "--connection-string", paramLabel = "CS",
                description = "The storage account (default: AZURE_STORAGE_CONNECTION_STRING).")
        String connectionString;
        @Unmatched
        List<String> args = new ArrayList<>();
        private final CliContext context;

        Azure(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            String connection = orEnvironment(connectionString, context, "AZURE_STORAGE_CONNECTION_STRING",
                    "bench azure needs --connection-string or AZURE_STORAGE_CONNECTION_STRING"
                            + " (UseDevelopmentStorage=true for Azurite)");
            List<String> all = new ArrayList<>(List.of(connection));
            all.addAll(args);
            AzureBenchmark.main(all.toArray(String[]::new));
            return Cli.OK;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = {"Generated documents through the ingest handler (local model, pgvector at DATABASE_URL)"
                + " against the embedding limit and a naive pipeline.",
                "Options: [--documents N] (default 200) [--concurrency N] [--rounds N] (default 3)."})
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--database-url", paramLabel = "URL",
                description = "PostgreSQL with pgvector (default: DATABASE_URL).")
        String databaseUrl;
        @Unmatched
        List<String> args = new ArrayList<>();
        private final CliContext context;

        Ingest(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            String url = orEnvironment(databaseUrl, context, "DATABASE_URL",
                    "bench ingest needs --database-url or DATABASE_URL (PostgreSQL with pgvector)");
            List<String> all = new ArrayList<>(List.of(url));
            all.addAll(args);
            IngestBenchmark.main(all.toArray(String[]::new));
            return Cli.OK;
        }
    }
}
