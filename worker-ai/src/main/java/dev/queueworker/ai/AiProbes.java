package dev.queueworker.ai;

import dev.queueworker.ai.internal.check.DirectoryProbe;
import dev.queueworker.ai.internal.check.ModelProbes;
import dev.queueworker.ai.internal.check.PgVectorProbes;
import dev.queueworker.ai.internal.check.ProbeFindings;
import dev.queueworker.api.ConnectivityProbe;
import java.util.List;

/**
 * worker-ai's {@link ConnectivityProbe}s for {@code settings}, as {@code queue-worker check} runs them:
 * {@code embeddings} (the model embeds one word), {@code vector store} and {@code vector table}
 * (pgvector: the database, the extension, the table's shape and dimension; the file store: its
 * directory) and {@code llm} (one tiny chat request, SKIP with the extractive summarizer). Run them
 * in this order: the table probe compares with the dimension the embedding probe found. Results
 * name options as {@code {databaseUrl}}, {@code {pgvectorTable}}, ... ({@link dev.queueworker.api.ProbeResult}).
 */
public final class AiProbes {

    private AiProbes() {
    }

    /** The probes of {@code settings}' embedding model, chunk store and chat model, in the order to run them. */
    public static List<ConnectivityProbe> of(AiSettings settings) {
        ProbeFindings found = new ProbeFindings();
        ConnectivityProbe embeddings = ModelProbes.embeddings(settings, found);
        if (settings.vectorStore() == AiSettings.VectorStore.MEMORY) {
            return List.of(embeddings, new DirectoryProbe("vector store", "dataDir", settings.dataDir()),
                    ModelProbes.llm(settings));
        }
        return List.of(embeddings, PgVectorProbes.database(settings.databaseUrl().orElseThrow(),
                settings.pgvectorTable(), found), PgVectorProbes.table(found), ModelProbes.llm(settings));
    }
}
