package dev.queueworker.ai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.DocumentParser;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.queueworker.ai.internal.ChunkEmbedder;
import dev.queueworker.ai.internal.PayloadFields;
import dev.queueworker.ai.internal.PayloadMetadata;
import dev.queueworker.ai.internal.parse.ParsedDocument;
import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentNames;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ingest} task: reads a document from the task's {@link dev.queueworker.api.DocumentStore},
 * extracts its text with Apache Tika, splits it into chunks sized in the embedding model's tokens,
 * embeds them in batches and stores them, replacing the document's earlier chunks.
 *
 * <p>Payload: {@code filename} and {@code document_set} (required), {@code blob_name},
 * {@code content_type}, {@code metadata} (a JSON object of strings, numbers and booleans copied onto
 * every chunk). Result: {@code filename}, {@code document_set}, {@code chunks}, {@code characters},
 * {@code truncated}, {@code boilerplate_lines}, {@code unchanged}, {@code embedded_chunks},
 * {@code embedding_model}, {@code dimensions}, {@code duration_ms}, {@code usage}
 * ({@code embedding_tokens} as the model reported them, {@code estimated_cost_usd}).
 *
 * <p>Idempotent: chunk ids are name-based UUIDs of (client id, document set, filename, chunk index)
 * ({@link ChunkIds}), so a re-delivered task writes the same rows, and a shorter version of a
 * document removes the chunks past its new count. Every chunk carries its client's
 * {@code client_id}, and every store call is scoped by the client ({@link DocumentKey}), so clients
 * sharing a store keep their documents apart even under the same set and name. When the stored {@code content_sha256} equals the document's and the
 * stored {@code text_sha256} the extracted text's, nothing is embedded and the result says
 * {@code unchanged: true}; chunks stored by an earlier version, whose text extraction differed, are
 * replaced once. Otherwise a chunk whose text and embedding model equal those of the stored chunk of
 * the same id keeps its stored embedding ({@link ChunkStore#storedChunks}): only the others are
 * embedded ({@code embedded_chunks}).
 *
 * <p>Compose one from LangChain4j's interfaces and a {@link ChunkStore}, or let
 * {@link AiHandlers#create(AiSettings)} wire the built-in ones:
 *
 * <pre>{@code
 * IngestHandler ingest = IngestHandler.builder()
 *         .embeddingModel(myEmbeddingModel)          // any LangChain4j EmbeddingModel
 *         .chunkStore(myChunkStore)                  // pgvector, a file (ChunkStores) or your own
 *         .documentParser(TikaParser.create())       // the default; any LangChain4j DocumentParser
 *         .split(1_000, 100)                         // or .documentSplitter(...)
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe: one instance serves every concurrent task.
 */
public final class IngestHandler implements TaskHandler {

    /** The task type. */
    public static final String TASK_TYPE = "ingest";

    private static final String EMBEDDING_MODEL = ChunkEmbedder.EMBEDDING_MODEL;
    /** The SHA-256 of the text that was split: a new text extraction (issue 18) gives new chunks. */
    static final String TEXT_SHA256 = "text_sha256";

    /** Metadata keys the handler sets itself; a payload's {@code metadata} may not use them. */
    public static final Set<String> RESERVED_METADATA =
            Set.of(ChunkStore.CLIENT_ID, ChunkStore.DOCUMENT_SET, ChunkStore.FILENAME, ChunkStore.CHUNK_INDEX, ChunkStore.CONTENT_SHA256,
                    TEXT_SHA256, EMBEDDING_MODEL);

    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);

    private final String clientId;
    private final String blobNameTemplate;
    private final DocumentParser parser;
    private final ChunkEmbedder embedder;
    private final String modelName;
    private final int dimension;
    private final ChunkStore store;
    private final DocumentSplitter splitter;
    private final TokenBudget budget;

    private IngestHandler(Builder b, DocumentParser parser, String modelName, int dimension,
            DocumentSplitter splitter) {
        this.clientId = b.clientId;
        this.blobNameTemplate = b.blobNameTemplate;
        this.parser = parser;
        this.embedder = new ChunkEmbedder(b.embeddingModel, modelName, dimension, b.embeddingBatchSize, b.chunkStore);
        this.modelName = modelName;
        this.dimension = dimension;
        this.store = b.chunkStore;
        this.splitter = splitter;
        this.budget = b.tokenBudget;
    }

    /** A builder: {@link Builder#embeddingModel} and {@link Builder#chunkStore} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String taskType() {
        return TASK_TYPE;
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) {
        Instant start = context.clock().instant();
        String filename = PayloadFields.name(task, "filename");
        try {
            return ingest(task, context, filename, start);
        } catch (QueueWorkerException e) {
            log.error("Ingestion failed: {}: {}", filename, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            log.error("Ingestion failed: {}: {}", filename, e.toString());
            throw e;
        }
    }

    /** Checks the payload by {@link #validatePayload} rules, with this handler's blob name template. */
    @Override
    public void validate(Task task) {
        validatePayload(task, blobNameTemplate);
    }

    /**
     * The payload rules of {@code ingest}, for producers that do not build the handler (it loads
     * models): {@code filename} and {@code document_set} required, {@code content_type} and
     * {@code metadata} well-formed, and a valid document name from {@code blobNameTemplate}.
     *
     * @param blobNameTemplate the blob name template; null for the default
     * @throws dev.queueworker.api.InvalidTaskException naming the field
     */
    public static void validatePayload(Task task, String blobNameTemplate) {
        PayloadFields.name(task, "filename");
        PayloadFields.name(task, "document_set");
        task.optionalString("content_type");
        PayloadMetadata.read(task.payload().get("metadata"), RESERVED_METADATA);
        DocumentNames.forTask(task, blobNameTemplate);
    }

    private TaskResult ingest(Task task, TaskContext context, String filename, Instant start) {
        validate(task);
        String documentSet = PayloadFields.name(task, "document_set");
        String declaredType = task.optionalString("content_type").orElse(null);
        Map<String, Object> userMetadata = PayloadMetadata.read(task.payload().get("metadata"), RESERVED_METADATA);
        String name = DocumentNames.forTask(task, blobNameTemplate);

        context.reportProgress(0.0, "reading " + name);
        ParsedDocument parsed;
        String sha256;
        try (Document document = context.documents().open(name)) {
            MessageDigest digest = sha256();
            DigestInputStream content = new DigestInputStream(document.content(), digest);
            String type = declaredType != null ? declaredType : document.contentType();
            parsed = Parsing.parse(parser, content, filename, type, document.size()); // too large: fails early
            drain(content, filename); // the hash covers the whole document, even past a character limit
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        context.throwIfCancelled();

        String textSha256 = HexFormat.of().formatHex(sha256().digest(parsed.text().getBytes(StandardCharsets.UTF_8)));
        DocumentKey document = new DocumentKey(clientId, documentSet, filename);
        List<TextSegment> segments = split(parsed.text(), document, sha256, textSha256, userMetadata);
        if (segments.isEmpty()) {
            throw new PermanentException(filename + " contains no text to index");
        }
        List<String> ids = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            ids.add(ChunkIds.of(document, i));
        }

        // Chunks of an earlier version of the text extraction lack text_sha256 and are replaced once.
        boolean unchanged = sha256.equals(store.contentSha256(document).orElse(null))
                && textSha256.equals(store.documentValue(document, TEXT_SHA256).orElse(null))
                && store.count(document) == segments.size();
        ChunkEmbedder.Embedded embedded = ChunkEmbedder.Embedded.NONE;
        if (!unchanged) {
            budget.admit();
            embedded = embedder.embed(document, ids, segments, context);
            budget.spent(embedded.usage().total());
            context.throwIfCancelled();
            store.replace(document, ids, embedded.vectors(), segments);
        }
        context.reportProgress(1.0, unchanged ? "unchanged" : "stored " + segments.size() + " chunks");

        ObjectNode data = TaskResult.newData()
                .put("filename", filename)
                .put("document_set", documentSet)
                .put("chunks", segments.size())
                .put("characters", parsed.characters())
                .put("truncated", parsed.truncated())
                .put("boilerplate_lines", parsed.boilerplateLines())
                .put("unchanged", unchanged)
                .put("embedded_chunks", embedded.count())
                .put("embedding_model", modelName)
                .put("dimensions", dimension)
                .put("duration_ms", Duration.between(start, context.clock().instant()).toMillis());
        embedded.usage().putEmbedding(data, modelName);
        log.info("Ingestion completed: {} ({} chunks{}{})", filename, segments.size(),
                parsed.truncated() ? ", truncated" : "",
                unchanged ? ", unchanged" : embedded.count() < segments.size() ? ", " + embedded.count() + " embedded" : "");
        return TaskResult.of(data);
    }

    private List<TextSegment> split(String text, DocumentKey document, String sha256, String textSha256,
            Map<String, Object> userMetadata) {
        List<TextSegment> raw = splitter.split(dev.langchain4j.data.document.Document.from(text));
        List<TextSegment> segments = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String chunk = raw.get(i).text();
            if (chunk.isBlank()) {
                continue;
            }
            Metadata metadata = Metadata.from(userMetadata)
                    .put(ChunkStore.CLIENT_ID, document.clientId())
                    .put(ChunkStore.DOCUMENT_SET, document.documentSet())
                    .put(ChunkStore.FILENAME, document.filename())
                    .put(ChunkStore.CHUNK_INDEX, segments.size())
                    .put(ChunkStore.CONTENT_SHA256, sha256)
                    .put(TEXT_SHA256, textSha256)
                    .put(EMBEDDING_MODEL, modelName);
            segments.add(TextSegment.from(chunk, metadata));
        }
        return segments;
    }

    private static void drain(InputStream in, String filename) {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // hashing only
            }
        } catch (IOException e) {
            throw new RetryableException("reading " + filename + " failed: " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "IngestHandler[" + modelName + ", " + store + "]";
    }

    /** Builds an {@link IngestHandler}; each setter checks its value and names its option. */
    public static final class Builder {
        private String clientId = "default";
        private String blobNameTemplate;
        private int embeddingBatchSize = 32;
        private DocumentParser documentParser;
        private EmbeddingModel embeddingModel;
        private String embeddingModelName;
        private Integer dimension;
        private ChunkStore chunkStore;
        private DocumentSplitter documentSplitter;
        private int chunkSize = 2_000;
        private int chunkOverlap = 200;
        private TokenCountEstimator tokens;
        private TokenBudget tokenBudget = TokenBudget.UNLIMITED;

        private Builder() {
        }

        /**
         * The client's allowance of model tokens, asked before a changed document is embedded and
         * told the tokens spent; default {@link TokenBudget#UNLIMITED}. An unchanged document passes.
         */
        public Builder tokenBudget(TokenBudget budget) {
            this.tokenBudget = Objects.requireNonNull(budget, "'tokenBudget' cannot be null.");
            return this;
        }

        /**
         * The client whose chunks this handler writes and reads: part of every chunk id and of every
         * store call, so that clients sharing a store never touch each other's documents. Default
         * {@code default}.
         */
        public Builder clientId(String clientId) {
            if (clientId == null || clientId.isBlank()) {
                throw new IllegalArgumentException("'clientId' must not be blank");
            }
            this.clientId = clientId.strip();
            return this;
        }

        /** How a task's document is named in the store (see {@link DocumentNames}); null for {@code {filename}}. */
        public Builder blobNameTemplate(String template) {
            this.blobNameTemplate = template == null ? null : DocumentNames.checkTemplate(template);
            return this;
        }

        /** The parser; default {@link TikaParser#create()}. */
        public Builder documentParser(DocumentParser parser) {
            this.documentParser = Objects.requireNonNull(parser, "'documentParser' cannot be null.");
            return this;
        }

        /** The model chunks are embedded with. Required. */
        public Builder embeddingModel(EmbeddingModel model) {
            this.embeddingModel = Objects.requireNonNull(model, "'embeddingModel' cannot be null.");
            return this;
        }

        /** The model's name in results and chunk metadata; default the model's {@code modelName()}. */
        public Builder embeddingModelName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("'embeddingModelName' must not be blank");
            }
            this.embeddingModelName = name.strip();
            return this;
        }

        /** The model's dimension; default the model's {@code dimension()} (which may embed a probe once). */
        public Builder dimension(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException("'dimension' must be at least 1, was " + dimension);
            }
            this.dimension = dimension;
            return this;
        }

        /** How many chunks one embedding call takes, 1 to 2048. Default 32. */
        public Builder embeddingBatchSize(int size) {
            if (size < 1 || size > 2_048) {
                throw new IllegalArgumentException("'embeddingBatchSize' must be 1 to 2048, was " + size);
            }
            this.embeddingBatchSize = size;
            return this;
        }

        /** Where chunks are kept. Required; its dimension must be the model's. */
        public Builder chunkStore(ChunkStore store) {
            this.chunkStore = Objects.requireNonNull(store, "'chunkStore' cannot be null.");
            return this;
        }

        /** Splits text into chunks; replaces {@link #split}. */
        public Builder documentSplitter(DocumentSplitter splitter) {
            this.documentSplitter = Objects.requireNonNull(splitter, "'documentSplitter' cannot be null.");
            return this;
        }

        /**
         * Chunks of at most {@code chunkSize} characters overlapping by {@code chunkOverlap}, split at
         * paragraphs, lines, sentences and words in that order. Default 2,000 and 200.
         */
        public Builder split(int chunkSize, int chunkOverlap) {
            return split(chunkSize, chunkOverlap, null);
        }

        /** As {@link #split(int, int)}, counted in {@code tokens}' tokens (null: characters). */
        public Builder split(int chunkSize, int chunkOverlap, TokenCountEstimator tokens) {
            if (chunkSize < 1) {
                throw new IllegalArgumentException("'chunkSize' must be at least 1, was " + chunkSize);
            }
            if (chunkOverlap < 0 || chunkOverlap >= chunkSize) {
                throw new IllegalArgumentException("'chunkOverlap' must be 0 to less than 'chunkSize' (" + chunkSize
                        + "), was " + chunkOverlap);
            }
            this.chunkSize = chunkSize;
            this.chunkOverlap = chunkOverlap;
            this.tokens = tokens;
            this.documentSplitter = null;
            return this;
        }

        /**
         * Builds the handler and has the store claim this client's chunks stored before chunks
         * carried a client id ({@link ChunkStore#claimLegacyChunks}), so an upgrade loses none.
         *
         * @throws IllegalStateException when the embedding model or the chunk store is missing, or
         *     the store holds embeddings of another dimension than the model's
         * @throws dev.queueworker.api.RetryableException when the store cannot be reached
         */
        public IngestHandler build() {
            if (embeddingModel == null) {
                throw new IllegalStateException("'embeddingModel' is required");
            }
            if (chunkStore == null) {
                throw new IllegalStateException("'chunkStore' is required");
            }
            int d = dimension != null ? dimension : embeddingModel.dimension();
            if (chunkStore.dimension() != d) {
                throw new IllegalStateException("'chunkStore' holds embeddings of dimension " + chunkStore.dimension()
                        + " but 'embeddingModel' makes " + d + "; nothing was written");
            }
            String name = embeddingModelName != null ? embeddingModelName : embeddingModel.modelName();
            if (name == null || name.isBlank() || "unknown".equals(name)) {
                name = embeddingModel.getClass().getSimpleName();
            }
            DocumentSplitter splitter = documentSplitter != null ? documentSplitter
                    : tokens != null ? DocumentSplitters.recursive(chunkSize, chunkOverlap, tokens)
                    : DocumentSplitters.recursive(chunkSize, chunkOverlap);
            DocumentParser parser = documentParser != null ? documentParser : TikaParser.create();
            chunkStore.claimLegacyChunks(clientId);
            return new IngestHandler(this, parser, name, d, splitter);
        }
    }
}
