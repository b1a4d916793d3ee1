package dev.queueworker.runner.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.runner.internal.admin.AdminConnections;
import dev.queueworker.runner.internal.admin.CheckResult;
import dev.queueworker.runner.internal.admin.ConnectivityChecks;
import dev.queueworker.runner.internal.admin.LibraryLogs;
import dev.queueworker.runner.internal.admin.TextTable;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code queue-worker check}: can this configuration reach everything the daemon needs? */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks that the configuration reaches what the worker needs, and prints a table:"
            + " CHECK | RESULT (OK, FAIL, SKIP) | DETAIL, with a hint under each FAIL.",
            "Checks: the queue and the poison queue (and their depths), the documents (Azure container or"
                + " DOCUMENTS_DIR), the vector store (PostgreSQL with pgvector and PGVECTOR_TABLE's dimension, or"
                + " WORKER_DATA_DIR), the embedding model (one tiny embedding), the LLM (one tiny chat, when"
                + " SUMMARIZER=llm), and WEBHOOK_URL's host (allowed and resolving; nothing is sent).",
            "Each check gives up after a few seconds. Nothing is created: missing queues, container and table"
                + " are reported as made later by run. Secrets are never printed."},
        footer = {"", "Exit codes: 0 no check failed; 1 at least one FAIL; 2 bad configuration."})
final class CheckCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the results as a JSON array instead of a table.")
    boolean json;

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    ClientOption clientOption;

    private final CliContext context;

    CheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        RunnerConfig config = configOptions.load(context, clientOption.client);
        LibraryLogs.quiet(config.logLevel());
        OkHttpClient http = new OkHttpClient();
        List<CheckResult> results;
        try {
            results = new ConnectivityChecks(config, http).run();
        } finally {
            AdminConnections.close(http);
        }
        long failed = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
        if (json) {
            context.out().println(json(results));
        } else {
            context.out().print(table(results));
            context.out().println(failed == 0 ? "no check failed"
                    : failed + (failed == 1 ? " check failed" : " checks failed"));
        }
        return failed == 0 ? Cli.OK : Cli.FAILURE;
    }

    /** The results as the table a person reads. */
    static String table(List<CheckResult> results) {
        TextTable table = new TextTable("CHECK", "RESULT", "DETAIL");
        for (CheckResult r : results) {
            table.row(r.check(), r.status().name(), r.detail());
            if (r.hint() != null) {
                table.note("hint: " + r.hint());
            }
        }
        return table.render();
    }

    static String json(List<CheckResult> results) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (CheckResult r : results) {
            ObjectNode node = array.addObject();
            node.put("check", r.check());
            node.put("result", r.status().name().toLowerCase(Locale.ROOT));
            node.put("detail", r.detail());
            node.put("hint", r.hint());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array);
    }
}
