package dev.queueworker.ai.internal.check;

import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.ai.internal.Embeddings;
import dev.queueworker.ai.internal.ModelErrors;
import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.QueueWorkerException;
import java.time.Duration;
import java.net.URI;
import java.net.URISyntaxException;

/** The probes of the embedding model and the chat model: one tiny request each (the local model: loading it). */
public final class ModelProbes {

    static final Duration MODEL_DEADLINE = Duration.ofSeconds(20);
    static final Duration LOCAL_MODEL_DEADLINE = Duration.ofSeconds(90);
    static final String TIMEOUT_HINT = "is the model server reachable? check {openAiApiBase}";

    private ModelProbes() {
    }

    /** {@code embeddings}: the model embeds one word; its dimension goes to {@code found}. */
    public static ConnectivityProbe embeddings(AiSettings settings, ProbeFindings found) {
        boolean local = settings.embeddingProvider() == AiSettings.EmbeddingProvider.LOCAL;
        return probe("embeddings", local ? LOCAL_MODEL_DEADLINE : MODEL_DEADLINE, () -> {
            String where = local ? " (local)" : " at " + base(settings.openAiApiBase());
            Embeddings embeddings;
            int dimension;
            try {
                embeddings = Embeddings.create(settings);
                found.modelDimension(embeddings.dimension());
                dimension = embeddings.model().embed("queue-worker check").content().dimension();
            } catch (RuntimeException e) {
                return failure(ModelErrors.translate(e, "embedding model " + (local ? Embeddings.LOCAL_MODEL
                        : settings.openAiEmbeddingModel())), local);
            }
            if (dimension != embeddings.dimension()) {
                found.modelDimension(dimension);
                return ProbeResult.fail(embeddings.name() + where + " returned " + dimension + " dimensions, not the "
                        + embeddings.dimension() + " expected", "set {openAiEmbeddingDimensions} to " + dimension
                        + " or unset it");
            }
            return ProbeResult.ok(embeddings.name() + where + ": " + dimension + " dimensions");
        });
    }

    /** {@code llm}: one tiny chat request when the summarizer is the chat model; SKIP otherwise. */
    public static ConnectivityProbe llm(AiSettings settings) {
        return probe("llm", MODEL_DEADLINE, () -> {
            if (settings.summarizer() != AiSettings.Summarizer.LLM) {
                return ProbeResult.skip("{summarizer}=extractive: no model");
            }
            OpenAiChatModel chat = OpenAiChatModel.builder()
                    .baseUrl(settings.openAiApiBase())
                    .apiKey(settings.openAiApiKey().orElseThrow())
                    .modelName(settings.openAiModel())
                    .timeout(settings.openAiTimeout())
                    .maxRetries(1)
                    .build();
            try {
                chat.chat("Reply with the single word OK.");
            } catch (RuntimeException e) {
                return failure(ModelErrors.translate(e, "chat model " + settings.openAiModel()), false);
            }
            return ProbeResult.ok(settings.openAiModel() + " at " + base(settings.openAiApiBase()) + " answered");
        });
    }

    private static ProbeResult failure(RuntimeException e, boolean local) {
        int status = e instanceof QueueWorkerException q ? q.statusCode() : 0;
        String detail = e instanceof QueueWorkerException ? e.getMessage() : ProbeResult.describe(e);
        String hint;
        if (status == 401 || status == 403) {
            hint = "check {openAiApiKey}";
        } else if (status == 404) {
            hint = "check the model name ({openAiEmbeddingModel}, {openAiModel}) and {openAiApiBase}";
        } else if (status == 429) {
            hint = "rate limited or out of quota: check the account at the model provider";
        } else if (local && !(e instanceof QueueWorkerException)) {
            hint = "the local model did not load: is there memory for it (about 200 MB)?";
        } else {
            hint = TIMEOUT_HINT;
        }
        return ProbeResult.fail(detail, hint);
    }

    /** {@code url} without user information, query or fragment. */
    static String base(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return url;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(),
                    u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return url;
        }
    }

    private static ConnectivityProbe probe(String name, Duration deadline, java.util.function.Supplier<ProbeResult> body) {
        return new ConnectivityProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ProbeResult probe() {
                return body.get();
            }

            @Override
            public Duration deadline() {
                return deadline;
            }

            @Override
            public String timeoutHint() {
                return TIMEOUT_HINT;
            }
        };
    }
}
