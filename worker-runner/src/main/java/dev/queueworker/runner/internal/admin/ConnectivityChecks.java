package dev.queueworker.runner.internal.admin;

import dev.queueworker.ai.AiProbes;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.DocumentStoreFactory;
import dev.queueworker.api.ProbeFactory;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.ProviderSettings;
import dev.queueworker.api.QueueProviderFactory;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.azure.AzureProbes;
import dev.queueworker.runner.internal.cli.Errors;
import dev.queueworker.runner.internal.config.AiVariables;
import dev.queueworker.runner.internal.config.AzureSettings;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.wiring.Components;
import dev.queueworker.runner.internal.wiring.Factories;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The checks of {@code queue-worker check}: can this configuration reach what the daemon needs?
 * Queue and poison queue (with their depths), the document store, the vector store (PostgreSQL with
 * pgvector and a table of the model's dimension), the embedding model, the LLM, and the default
 * webhook URL's host.
 *
 * <p>This class is the host: it chooses which probes the configuration needs, runs each within its
 * deadline, and shows the options a result names as the variables that set them. The probes are the
 * modules' own {@link ConnectivityProbe}s: the queue and document rows come from the factory that
 * {@code QUEUE_PROVIDER} or {@code DOCUMENT_STORE} names, found by {@link Factories} like the one
 * {@code run} creates, when it is also a {@link ProbeFactory} (worker-azure's {@link AzureProbes});
 * the model and database rows are worker-ai's ({@link AiProbes}). The webhook row and
 * {@code DOCUMENTS_DIR}'s are the runner's own.
 *
 * <p>Each check has a deadline of a few seconds (loading the local model, a minute) and runs once:
 * the Azure probes try each call once. Checks create nothing where that can be avoided: queues,
 * the container and the table are asked about, never made ({@code run} makes them). Two checks
 * have side effects: the embedding and LLM checks each make one small model call (billed, for
 * OpenAI), and nothing else. No result holds a secret.
 */
public final class ConnectivityChecks {

    static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final Duration MODEL_TIMEOUT = Duration.ofSeconds(10);

    private final RunnerConfig config;
    private final OkHttpClient http;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "queue-worker-check");
        t.setDaemon(true); // a check past its deadline is abandoned, not waited for
        return t;
    });

    public ConnectivityChecks(RunnerConfig config, OkHttpClient http) {
        this.config = config;
        this.http = http;
    }

    /** Runs every check in order and returns one result per row. */
    public List<CheckResult> run() {
        try {
            List<CheckResult> results = new ArrayList<>();
            results.addAll(queues());
            results.addAll(documents());
            boolean ai = needsAi();
            if (ai) {
                results.addAll(aiProbes());
            } else {
                String why = "WORKER_TASK_TYPES runs no built-in handler (ingest, summarize)";
                results.add(CheckResult.skip("embeddings", why));
                results.add(CheckResult.skip("vector store", why));
                results.add(CheckResult.skip("llm", why));
            }
            results.add(timed("webhook", DEADLINE, this::webhook, e -> "check WEBHOOK_URL"));
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    private boolean needsAi() {
        Set<String> types = config.taskTypes();
        return types.isEmpty() || Components.BUILT_IN_TYPES.stream().anyMatch(types::contains);
    }

    // --- queues and documents: the probes of the factories the configuration names ---------------------

    private List<CheckResult> queues() {
        if (config.queueKind() == RunnerConfig.QueueKind.MOCK) {
            String why = "QUEUE_PROVIDER=mock: an in-process queue, nothing to reach";
            return List.of(CheckResult.skip("queue", why), CheckResult.skip("poison queue", why));
        }
        if (config.queueKind() == RunnerConfig.QueueKind.PLUGIN) {
            String why = "QUEUE_PROVIDER=" + config.queueProviderName() + ": a plugin's queue provider, not checked";
            return List.of(CheckResult.skip("queue", why), CheckResult.skip("poison queue", why));
        }
        return factoryProbes(QueueProviderFactory.class, QueueProviderFactory::name, config.queueProviderName(),
                "QUEUE_PROVIDER", List.of("queue", "poison queue"));
    }

    private List<CheckResult> documents() {
        switch (config.documentStoreKind()) {
            case PLUGIN:
                return List.of(CheckResult.skip("documents", "DOCUMENT_STORE=" + config.documentStoreName()
                        + ": a plugin's document store, not checked"));
            case MEMORY:
                return List.of(CheckResult.skip("documents", "DOCUMENT_STORE=memory: in-process, nothing to reach"));
            case FILESYSTEM:
                return List.of(directory("documents", "DOCUMENTS_DIR", config.documentsDir()));
            default:
                return factoryProbes(DocumentStoreFactory.class, DocumentStoreFactory::name,
                        config.documentStoreName(), "DOCUMENT_STORE", List.of("documents"));
        }
    }

    /**
     * The rows of the built-in factory {@code name}'s probes, given the options it would be created
     * from and the shared HTTP client; {@code rows} are SKIP when the factory has no probes.
     */
    private <F> List<CheckResult> factoryProbes(Class<F> type, Function<F, String> nameOf, String name,
            String variable, List<String> rows) {
        F factory = Factories.find(ConnectivityChecks.class.getClassLoader(), type, nameOf, name, variable);
        if (!(factory instanceof ProbeFactory probes)) {
            return rows.stream().map(row -> CheckResult.skip(row, variable + "=" + name + ": not checked")).toList();
        }
        ProviderSettings settings = new ProviderSettings(config.workerOptions().clientId(),
                config.providerOptions(name), Map.of(OkHttpClient.class, http));
        UnaryOperator<String> variables = "azure".equals(name) ? AzureSettings::variableOf : UnaryOperator.identity();
        List<CheckResult> results = new ArrayList<>();
        for (ConnectivityProbe probe : probes.probes(settings)) {
            results.add(run(probe, variables));
        }
        return results;
    }

    // --- worker-ai's probes ---------------------------------------------------------------------------

    /**
     * worker-ai's probes (embeddings, vector store, vector table, llm) with model calls bounded by
     * {@link #MODEL_TIMEOUT}, their options shown as the variables that set them; a plugin's chunk
     * store is not checked.
     */
    private List<CheckResult> aiProbes() {
        Optional<String> pluginStore = config.chunkStorePluginName();
        List<CheckResult> results = new ArrayList<>();
        for (ConnectivityProbe probe : AiProbes.of(quickAiSettings())) {
            if (pluginStore.isPresent() && probe.name().startsWith("vector ")) {
                if (probe.name().equals("vector store")) {
                    String why = "VECTOR_STORE=" + pluginStore.get() + ": a plugin's chunk store, not checked";
                    results.add(CheckResult.skip("vector store", why));
                    results.add(CheckResult.skip("vector table", why));
                }
                continue;
            }
            results.add(run(probe, AiVariables::variableOf));
        }
        return results;
    }

    /** One probe within its deadline, as a row, its options shown as {@code variables} names them. */
    private CheckResult run(ConnectivityProbe probe, UnaryOperator<String> variables) {
        String timeoutHint = probe.timeoutHint() == null ? null
                : hostAdvice(ProbeResult.render(probe.timeoutHint(), variables));
        return timed(probe.name(), probe.deadline(), () -> {
            ProbeResult r = probe.probe().render(variables);
            return new CheckResult(probe.name(), CheckResult.Status.valueOf(r.status().name()), r.detail(),
                    r.status() == ProbeResult.Status.FAIL || r.status() == ProbeResult.Status.WARN
                            ? hostAdvice(r.hint()) : null);
        }, e -> timeoutHint);
    }

    /** A probe's hint with what this project adds: how to start its Azurite. */
    private static String hostAdvice(String hint) {
        return AzureProbes.AZURITE_NOT_RUNNING.equals(hint) ? hint + " start it with ./scripts/setup.sh" : hint;
    }

    /** The AI settings with model calls bounded by {@link #MODEL_TIMEOUT}. */
    private AiSettings quickAiSettings() {
        Map<String, String> variables = new HashMap<>(config.variables());
        Duration configured = config.ai().openAiTimeout();
        if (configured == null || configured.compareTo(MODEL_TIMEOUT) > 0) {
            variables.put("OPENAI_TIMEOUT", MODEL_TIMEOUT.toSeconds() + "s");
        }
        return AiVariables.read(variables);
    }

    // --- webhook --------------------------------------------------------------------------------------

    private CheckResult webhook() throws Exception {
        String value = config.variables().get("WEBHOOK_URL");
        if (value == null || value.isBlank()) {
            return CheckResult.skip("webhook", "WEBHOOK_URL not set: each task must name its webhook_url");
        }
        HttpUrl url = HttpUrl.parse(value.strip());
        if (url == null) {
            return CheckResult.fail("webhook", "WEBHOOK_URL is not an http(s) URL", "check WEBHOOK_URL");
        }
        String shown = url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
        Optional<String> refusal;
        try {
            // The notifier's own rules (allowed hosts, link-local and metadata addresses); nothing is sent.
            refusal = config.webhooks().notifierBuilder().build().refusalReason(value);
        } catch (UnknownHostException e) {
            return CheckResult.fail("webhook", shown + ": " + url.host() + " does not resolve",
                    "check WEBHOOK_URL's host name and this machine's DNS");
        }
        if (refusal.isPresent()) {
            String reason = refusal.get().replace("allowedHosts", "WEBHOOK_ALLOWED_HOSTS");
            return CheckResult.fail("webhook", shown + ": " + reason + "; webhooks there are refused",
                    reason.contains("WEBHOOK_ALLOWED_HOSTS") ? "add " + url.host() + " to WEBHOOK_ALLOWED_HOSTS or fix"
                            + " WEBHOOK_URL" : "point WEBHOOK_URL at the frontend's own address");
        }
        return CheckResult.ok("webhook", shown + ": allowed (nothing sent)");
    }

    // --- running ----------------------------------------------------------------------------------------

    /** A check body that may throw; the hint function explains a failure. */
    private interface Check {
        CheckResult call() throws Exception;
    }

    private CheckResult timed(String name, Duration deadline, Check check,
            java.util.function.Function<RuntimeException, String> hint) {
        Future<CheckResult> future = executor.submit((Callable<CheckResult>) check::call);
        try {
            return future.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return CheckResult.fail(name, "no answer within " + deadline.toSeconds() + " s",
                    hint.apply(new QueueWorkerException("timed out")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return CheckResult.fail(name, "interrupted", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            RuntimeException failure = cause instanceof RuntimeException r ? r : new RuntimeException(cause);
            String detail = failure instanceof QueueWorkerException ? failure.getMessage() : Errors.describe(cause);
            return CheckResult.fail(name, detail, hint.apply(failure));
        }
    }

    /** Whether a directory can be written, or created where it is missing. */
    private static CheckResult directory(String check, String variable, Path dir) {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return Files.isWritable(absolute)
                    ? CheckResult.ok(check, variable + " " + absolute + " is writable")
                    : CheckResult.fail(check, variable + " " + absolute + " is not writable",
                            "give the worker's user write access, or set " + variable);
        }
        if (Files.exists(absolute)) {
            return CheckResult.fail(check, variable + " " + absolute + " is not a directory", "check " + variable);
        }
        Path parent = absolute.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent != null && Files.isDirectory(parent) && Files.isWritable(parent)) {
            return CheckResult.ok(check, variable + " " + absolute + " does not exist yet: will be created");
        }
        return CheckResult.fail(check, variable + " " + absolute + " cannot be created", "create it for the worker's"
                + " user, or set " + variable);
    }
}
