package dev.queueworker.runner.internal.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code queue-worker bench …}: the benchmarks left the daemon (its jar no longer carries their
 * code), so this only says where they went: {@code scripts/bench-engine.sh}, {@code bench-azure.sh}
 * and {@code bench-ingest.sh} run worker-benchmarks' launcher (docs/benchmarks.md).
 */
@Command(name = "bench", hidden = true, description = "Moved: see scripts/bench-*.sh (docs/benchmarks.md).")
final class BenchCommand implements Callable<Integer> {

    /** What the operator is told; exit code 2, nothing runs. */
    static final String MOVED = "the benchmarks are not part of the daemon any more: from a source checkout, run"
            + " ./scripts/bench-engine.sh, ./scripts/bench-azure.sh or ./scripts/bench-ingest.sh"
            + " (see docs/benchmarks.md)";

    @Unmatched
    List<String> args = new ArrayList<>();

    private final CliContext context;

    BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("queue-worker: " + MOVED);
        return Cli.USAGE;
    }
}
