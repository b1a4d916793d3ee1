package dev.queueworker.runner.internal.cli;

import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.runner.internal.admin.AdminConnections;
import dev.queueworker.runner.internal.admin.LibraryLogs;
import dev.queueworker.runner.internal.admin.PoisonAdmin;
import dev.queueworker.runner.internal.admin.TextTable;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code queue-worker poison}: inspect and replay the dead messages of {@code {CLIENT_ID}-tasks-poison}. */
@Command(name = "poison", mixinStandardHelpOptions = true,
        description = {"Inspects and replays dead messages on {CLIENT_ID}-tasks-poison: messages the worker gave up"
            + " on (invalid, unknown type, or failed WORKER_MAX_DEQUEUE_COUNT times), each kept with the reason.",
            "Needs the shared Azure queue: QUEUE_PROVIDER=mock is refused."},
        subcommands = {PoisonCommand.ListCommand.class, PoisonCommand.ShowCommand.class,
            PoisonCommand.RequeueCommand.class, PoisonCommand.PurgeCommand.class},
        footer = {"", "Exit codes: 0 done; 1 Azure Storage failed or no such message; 2 bad options or configuration."})
final class PoisonCommand implements Runnable {

    @Spec
    CommandSpec spec;

    PoisonCommand(CliContext context) {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, show, requeue or purge");
    }

    /** Connects to the poison queue of the configuration, runs {@code action}, and closes. */
    static int withPoisonQueue(CliContext context, ConfigOptions options, Function<PoisonAdmin, Integer> action) {
        RunnerConfig config = options.load(context);
        AdminConnections.requireSharedQueue(config, "poison");
        LibraryLogs.quiet(config.logLevel());
        OkHttpClient http = new OkHttpClient();
        // Creates nothing: a missing poison queue is reported, not made.
        try (QueueProvider provider = AdminConnections.queue(config, http, false, config.azureMaxTries(),
                config.azureTryTimeout().compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10)
                        : config.azureTryTimeout())) {
            return action.apply(new PoisonAdmin(provider.poisonQueue()));
        } catch (QueueWorkerException e) {
            throw new CommandFailedException(e.getMessage()
                    + (e.statusCode() == 0 ? " (is Azure Storage reachable? check AZURE_STORAGE_CONNECTION_STRING)"
                    : e.statusCode() == 404 ? " (no worker has run with this CLIENT_ID yet?)" : ""));
        } finally {
            AdminConnections.close(http);
        }
    }

    /** {@code poison list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the first 32 poison messages (all Azure shows at once) and the queue's approximate"
                + " depth: message id, task id, type, when it failed, attempts, reason.")
    static final class ListCommand implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        private final CliContext context;

        ListCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return withPoisonQueue(context, configOptions, admin -> {
                PoisonAdmin.Listing listing = admin.list();
                PrintStream out = context.out();
                if (listing.entries().isEmpty()) {
                    out.println("no poison messages on " + listing.queueName()
                            + (listing.approximateDepth() > 0 ? " visible now (about " + listing.approximateDepth()
                            + " hidden by a scan in progress)" : ""));
                    return Cli.OK;
                }
                out.print(table(listing.entries()).render());
                out.println(listing.entries().size() < listing.approximateDepth()
                        ? "showing " + listing.entries().size() + " of about " + listing.approximateDepth()
                            + " messages on " + listing.queueName() + "; 'poison show ID' finds any of them"
                        : listing.entries().size() + " message" + (listing.entries().size() == 1 ? "" : "s") + " on "
                            + listing.queueName());
                return Cli.OK;
            });
        }

        static TextTable table(List<PoisonAdmin.Entry> entries) {
            TextTable table = new TextTable("MESSAGE ID", "TASK ID", "TYPE", "FAILED AT", "ATTEMPTS", "REASON");
            for (PoisonAdmin.Entry entry : entries) {
                PoisonMessage p = entry.envelope();
                if (p == null) {
                    table.row(entry.message().messageId(), "-", "-", seconds(entry.message().insertedAt()), "-",
                            TextTable.truncate("not a poison envelope: " + entry.problem(), 60));
                } else {
                    table.row(entry.message().messageId(), p.taskId() == null ? "-" : p.taskId(),
                            p.taskType() == null ? "-" : p.taskType(), seconds(p.failedAt()),
                            Long.toString(p.attempts()), TextTable.truncate(p.errorType() + ": " + p.reason(), 60));
                }
            }
            return table;
        }

        private static String seconds(java.time.Instant instant) {
            return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        }
    }

    /** {@code poison show ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Shows one poison message, found by its queue message id or its task id: the envelope"
                + " (reason, error type, attempts, when) and the original body.")
    static final class ShowCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The queue message id or the task id.")
        String id;

        @Mixin
        ConfigOptions configOptions;

        private final CliContext context;

        ShowCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return withPoisonQueue(context, configOptions, admin -> {
                List<PoisonAdmin.Entry> found = admin.find(id);
                if (found.isEmpty()) {
                    throw new CommandFailedException("no message on " + admin.queueName()
                            + " has message id or task id " + id);
                }
                PrintStream out = context.out();
                for (int i = 0; i < found.size(); i++) {
                    PoisonAdmin.Entry entry = found.get(i);
                    if (i > 0) {
                        out.println();
                    }
                    out.println("message id:  " + entry.message().messageId());
                    out.println("inserted at: " + entry.message().insertedAt());
                    if (entry.envelope() == null) {
                        out.println("not a poison envelope (" + entry.problem() + "); the body as stored:");
                        out.println(PoisonAdmin.readableBody(entry.message().body()));
                        continue;
                    }
                    out.println("envelope:");
                    String pretty = PoisonAdmin.prettyJson(entry.message().body());
                    out.println(pretty != null ? pretty : entry.message().body());
                    out.println("original body:");
                    out.println(PoisonAdmin.readableBody(entry.envelope().originalBody()));
                }
                return Cli.OK;
            });
        }
    }

    /** {@code poison requeue (ID | --all)}. */
    @Command(name = "requeue", mixinStandardHelpOptions = true,
            description = {"Puts the original body back on {CLIENT_ID}-tasks as a new message (so its attempts start"
                + " again; a body without task_id gets the task id it failed under), then deletes the poison message.",
                "ID is a queue message id or a task id; --all requeues every poison message."})
    static final class RequeueCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "The queue message id or the task id.")
        String id;

        @Option(names = "--all", description = "Requeue every poison message.")
        boolean all;

        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        private final CliContext context;

        RequeueCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if ((id == null) == !all) {
                throw new ParameterException(spec.commandLine(), "give a message id or task id, or --all (not both)");
            }
            return withPoisonQueue(context, configOptions, admin -> {
                PrintStream out = context.out();
                if (!all) {
                    PoisonAdmin.Requeued r = admin.requeue(id);
                    out.println("requeued " + describe(r.entry()) + " to " + admin.taskQueueName() + " as message "
                            + r.newMessageId());
                    return Cli.OK;
                }
                PoisonAdmin.RequeueAll result = admin.requeueAll();
                for (PoisonAdmin.Requeued r : result.requeued()) {
                    out.println("requeued " + describe(r.entry()) + " as message " + r.newMessageId());
                }
                for (PoisonAdmin.Entry skipped : result.skipped()) {
                    out.println("skipped message " + skipped.message().messageId() + ": "
                            + skipped.whyNotRequeueable());
                }
                out.println("requeued " + result.requeued().size() + " message"
                        + (result.requeued().size() == 1 ? "" : "s") + " to " + admin.taskQueueName()
                        + (result.skipped().isEmpty() ? "" : "; " + result.skipped().size() + " left on "
                        + admin.queueName()));
                return result.skipped().isEmpty() ? Cli.OK : Cli.FAILURE;
            });
        }

        private static String describe(PoisonAdmin.Entry entry) {
            PoisonMessage p = entry.envelope();
            return "task " + (p.taskId() == null ? "?" : p.taskId()) + " (" + (p.taskType() == null ? "no type"
                    : p.taskType()) + ", message " + entry.message().messageId() + ")";
        }
    }

    /** {@code poison purge --yes}. */
    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Deletes every message on the poison queue. Asks for --yes, as nothing brings them back.")
    static final class PurgeCommand implements Callable<Integer> {
        @Option(names = "--yes", description = "Yes, delete them all.")
        boolean yes;

        @Mixin
        ConfigOptions configOptions;

        @Spec
        CommandSpec spec;

        private final CliContext context;

        PurgeCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (!yes) {
                throw new ParameterException(spec.commandLine(),
                        "purge deletes every poison message for good: add --yes to confirm");
            }
            return withPoisonQueue(context, configOptions, admin -> {
                long count = admin.purge();
                context.out().println("deleted about " + count + " message" + (count == 1 ? "" : "s") + " from "
                        + admin.queueName());
                return Cli.OK;
            });
        }
    }
}
