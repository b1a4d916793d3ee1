package dev.queueworker.runner.internal.admin;

import dev.queueworker.ai.AiProbes;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzurePoisonQueue;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.runner.internal.cli.Errors;
import dev.queueworker.runner.internal.config.AiVariables;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.wiring.Components;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The checks of {@code queue-worker check}: can this configuration reach what the daemon needs?
 * Queue and poison queue (with their depths), the document store, the vector store (PostgreSQL with
 * pgvector and a table of the model's dimension), the embedding model, the LLM, and the default
 * webhook URL's host.
 *
 * <p>Each check has a deadline of a few seconds (loading the local model, a minute) and runs once:
 * the Azure clients try each call once. Checks create nothing where that can be avoided: queues,
 * the container and the table are asked about, never made ({@code run} makes them). Two checks
 * have side effects: the embedding and LLM checks each make one small model call (billed, for
 * OpenAI), and nothing else. No result holds a secret. The model and database rows are worker-ai's
 * {@link ConnectivityProbe}s ({@link AiProbes}), their options shown as the variables that set them.
 */
public final class ConnectivityChecks {

    static final Duration AZURE_TRY_TIMEOUT = Duration.ofSeconds(5);
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
            results.add(documents());
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

    // --- queues ---------------------------------------------------------------------------------------

    private List<CheckResult> queues() {
        if (config.queueKind() == RunnerConfig.QueueKind.MOCK) {
            String why = "QUEUE_PROVIDER=mock: an in-process queue, nothing to reach";
            return List.of(CheckResult.skip("queue", why), CheckResult.skip("poison queue", why));
        }
        if (config.queueKind() == RunnerConfig.QueueKind.PLUGIN) {
            String why = "QUEUE_PROVIDER=" + config.queueProviderName() + ": a plugin's queue provider, not checked";
            return List.of(CheckResult.skip("queue", why), CheckResult.skip("poison queue", why));
        }
        AzureQueueProvider provider;
        try {
            provider = AdminConnections.queue(config, http, false, 1, AZURE_TRY_TIMEOUT);
        } catch (RuntimeException e) {
            CheckResult failed = CheckResult.fail("queue", Errors.describe(e), azureHint(e));
            return List.of(failed, CheckResult.skip("poison queue", "the queue settings are unusable"));
        }
        CheckResult queue = timed("queue", DEADLINE, () -> {
            if (!provider.exists()) {
                return CheckResult.ok("queue", provider.queueName() + " does not exist yet; run creates it");
            }
            return CheckResult.ok("queue", provider.queueName() + ": about " + count(provider.approximateDepth()));
        }, this::azureHint);
        if (queue.status() == CheckResult.Status.FAIL && isUnreachable(queue)) {
            return List.of(queue, CheckResult.skip("poison queue", "Azure Storage does not answer (see queue)"));
        }
        AzurePoisonQueue poison = provider.poisonQueue();
        CheckResult poisonResult = timed("poison queue", DEADLINE, () -> {
            if (!poison.exists()) {
                return CheckResult.ok("poison queue", poison.name() + " does not exist yet; run creates it");
            }
            long depth = poison.approximateDepth();
            return CheckResult.ok("poison queue", poison.name() + ": about " + count(depth)
                    + (depth > 0 ? " (see: queue-worker poison list)" : ""));
        }, this::azureHint);
        return List.of(queue, poisonResult);
    }

    private static boolean isUnreachable(CheckResult result) {
        return result.hint() != null && result.hint().startsWith("is Az");
    }

    private static String count(long n) {
        return n + (n == 1 ? " message" : " messages");
    }

    // --- documents ------------------------------------------------------------------------------------

    private CheckResult documents() {
        switch (config.documentStoreKind()) {
            case PLUGIN:
                return CheckResult.skip("documents", "DOCUMENT_STORE=" + config.documentStoreName()
                        + ": a plugin's document store, not checked");
            case MEMORY:
                return CheckResult.skip("documents", "DOCUMENT_STORE=memory: in-process, nothing to reach");
            case FILESYSTEM:
                return directory("documents", "DOCUMENTS_DIR", config.documentsDir());
            default:
                String container = config.azureContainerName();
                return timed("documents", DEADLINE, () -> {
                    AzureBlobDocumentStore store = AdminConnections.blobStore(config, http, 1, AZURE_TRY_TIMEOUT);
                    try {
                        // One listing request for a prefix nothing has: answers whether the container is there.
                        store.list(".queue-worker-check/");
                        return CheckResult.ok("documents", "container " + container + " reachable");
                    } catch (PermanentException e) {
                        if (e.statusCode() == 404 && "ContainerNotFound".equals(e.errorCode())) {
                            return CheckResult.ok("documents", "container " + container
                                    + " does not exist yet; run and submit create it");
                        }
                        throw e;
                    }
                }, this::azureHint);
        }
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
            results.add(run(probe));
        }
        return results;
    }

    /** One probe within its deadline, as a row. */
    private CheckResult run(ConnectivityProbe probe) {
        String timeoutHint = probe.timeoutHint() == null ? null
                : ProbeResult.render(probe.timeoutHint(), AiVariables::variableOf);
        return timed(probe.name(), probe.deadline(), () -> {
            ProbeResult r = probe.probe().render(AiVariables::variableOf);
            return new CheckResult(probe.name(), CheckResult.Status.valueOf(r.status().name()), r.detail(),
                    r.status() == ProbeResult.Status.FAIL || r.status() == ProbeResult.Status.WARN ? r.hint() : null);
        }, e -> timeoutHint);
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

    /** A hint for an Azure Storage failure. */
    private String azureHint(RuntimeException e) {
        int status = e instanceof QueueWorkerException q ? q.statusCode() : -1;
        if (status == 401 || status == 403) {
            return "check AZURE_STORAGE_CONNECTION_STRING (account and key), or the identity's role with"
                    + " AZURE_STORAGE_ACCOUNT_NAME";
        }
        if (status == 0) {
            String connection = config.azureConnectionString().orElse("").toLowerCase(Locale.ROOT);
            boolean local = connection.contains("usedevelopmentstorage") || connection.contains("127.0.0.1")
                    || connection.contains("localhost");
            return local ? "is Azurite running? start it with ./scripts/setup.sh"
                    : "is Azure Storage reachable from here? check AZURE_STORAGE_CONNECTION_STRING or"
                        + " AZURE_STORAGE_ACCOUNT_NAME";
        }
        return "check AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_CONTAINER_NAME";
    }

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
