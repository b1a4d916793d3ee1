package dev.queueworker.ai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.DocumentParser;
import dev.langchain4j.model.chat.ChatModel;
import dev.queueworker.ai.internal.PayloadFields;
import dev.queueworker.ai.internal.parse.ParsedDocument;
import dev.queueworker.ai.internal.summarize.ExtractiveSummarizer;
import dev.queueworker.ai.internal.summarize.LlmSummarizer;
import dev.queueworker.ai.internal.summarize.Summarizer;
import dev.queueworker.ai.internal.summarize.Summary;
import dev.queueworker.ai.internal.summarize.SummaryRequest;
import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentNames;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code summarize} task: reads a document like {@link IngestHandler} does and summarizes it,
 * with an LLM ({@code Summarizer.LLM}: one call when the text fits the model's budget, else
 * map-reduce over chunks) or extractively ({@code Summarizer.EXTRACTIVE}: the document's most
 * central sentences in their order, deterministic, no model).
 *
 * <p>Payload: {@code filename}, {@code document_set}, optional {@code max_words} (10–5,000, default
 * {@value #DEFAULT_MAX_WORDS}), {@code instructions} (at most 2,000 characters, for the LLM),
 * {@code blob_name}. Result: {@code summary}, {@code method}, {@code model}, {@code input_characters},
 * {@code chunks}, {@code duration_ms}.
 *
 * <p>Thread-safe: one instance serves every concurrent task.
 */
public final class SummarizeHandler implements TaskHandler, AutoCloseable {

    /** The task type. */
    public static final String TASK_TYPE = "summarize";

    /** Words in a summary when the payload does not say. */
    public static final int DEFAULT_MAX_WORDS = 200;

    private static final Logger log = LoggerFactory.getLogger(SummarizeHandler.class);

    private final String blobNameTemplate;
    private final DocumentParser parser;
    private final Summarizer summarizer;
    private final TokenBudget budget;

    private SummarizeHandler(String blobNameTemplate, DocumentParser parser, Summarizer summarizer,
                             TokenBudget budget) {
        this.blobNameTemplate = blobNameTemplate;
        this.parser = parser;
        this.summarizer = summarizer;
        this.budget = budget;
    }

    /** A builder; without a chat model, summaries are extractive. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String taskType() {
        return TASK_TYPE;
    }

    /** Checks the payload by {@link #validatePayload} rules, with this handler's blob name template. */
    @Override
    public void validate(Task task) {
        validatePayload(task, blobNameTemplate);
    }

    /**
     * The payload rules of {@code summarize}, for producers that do not build the handler:
     * {@code filename} and {@code document_set} required, {@code max_words} 10 to 5000,
     * {@code instructions} at most 2000 characters, and a valid document name from
     * {@code blobNameTemplate}.
     *
     * @param blobNameTemplate the blob name template; null for the default
     * @throws dev.queueworker.api.InvalidTaskException naming the field
     */
    public static void validatePayload(Task task, String blobNameTemplate) {
        PayloadFields.name(task, "filename");
        PayloadFields.name(task, "document_set");
        PayloadFields.optionalInt(task, "max_words", 10, 5_000);
        PayloadFields.optionalText(task, "instructions", 2_000);
        task.optionalString("content_type");
        DocumentNames.forTask(task, blobNameTemplate);
    }

    @Override
    public TaskResult handle(Task task, TaskContext context) {
        Instant start = context.clock().instant();
        validate(task);
        String filename = PayloadFields.name(task, "filename");
        PayloadFields.name(task, "document_set");
        int maxWords = PayloadFields.optionalInt(task, "max_words", 10, 5_000).orElse(DEFAULT_MAX_WORDS);
        String instructions = PayloadFields.optionalText(task, "instructions", 2_000).orElse(null);
        String name = DocumentNames.forTask(task, blobNameTemplate);

        ParsedDocument parsed;
        try (Document document = context.documents().open(name)) {
            parsed = Parsing.parse(parser, document.content(), filename,
                    task.optionalString("content_type").orElse(document.contentType()), document.size());
        }
        context.throwIfCancelled();
        context.reportProgress(0.2, "summarizing " + parsed.characters() + " characters");

        budget.admit();
        Summary summary = summarizer.summarize(parsed.text(), new SummaryRequest(maxWords, instructions),
                context::isCancelled);
        budget.spent(summary.usage().total());
        ObjectNode data = TaskResult.newData()
                .put("summary", summary.text())
                .put("method", summary.method())
                .put("model", summary.model())
                .put("input_characters", summary.inputCharacters())
                .put("chunks", summary.chunks())
                .put("truncated", parsed.truncated())
                .put("duration_ms", Duration.between(start, context.clock().instant()).toMillis());
        summary.usage().putChat(data, summary.model());
        log.info("Summary completed: {} ({}, {} words)", filename, summary.method(), words(summary.text()));
        return TaskResult.of(data);
    }

    private static int words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    @Override
    public String toString() {
        return "SummarizeHandler[" + summarizer + "]";
    }

    /** Stops the LLM summarizer's threads; close it after the worker. */
    @Override
    public void close() {
        if (summarizer instanceof LlmSummarizer llm) {
            llm.close();
        }
    }

    /** Builds a {@link SummarizeHandler}; each setter checks its value and names its option. */
    public static final class Builder {
        private String blobNameTemplate;
        private DocumentParser documentParser;
        private ChatModel chatModel;
        private String chatModelName;
        private int parallelism = 4;
        private TokenBudget tokenBudget = TokenBudget.UNLIMITED;

        private Builder() {
        }

        /**
         * The client's allowance of model tokens, asked before the chat model is called and told the
         * tokens spent; default {@link TokenBudget#UNLIMITED}. Extractive summaries never ask.
         */
        public Builder tokenBudget(TokenBudget budget) {
            this.tokenBudget = Objects.requireNonNull(budget, "'tokenBudget' cannot be null.");
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

        /**
         * Summarize with this LLM: one call when the text fits its budget, else map-reduce over
         * chunks. Without one, summaries are extractive (TextRank, no model).
         */
        public Builder chatModel(ChatModel model) {
            this.chatModel = Objects.requireNonNull(model, "'chatModel' cannot be null.");
            return this;
        }

        /** The chat model's name in results; default the model's class name. */
        public Builder chatModelName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("'chatModelName' must not be blank");
            }
            this.chatModelName = name.strip();
            return this;
        }

        /** How many map calls of one long document run at once, 1 to 64. Default 4. */
        public Builder parallelism(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("'parallelism' must be 1 to 64, was " + threads);
            }
            this.parallelism = threads;
            return this;
        }

        public SummarizeHandler build() {
            Summarizer summarizer = chatModel == null ? new ExtractiveSummarizer()
                    : LlmSummarizer.builder().chatModel(chatModel)
                            .modelName(chatModelName != null ? chatModelName : chatModel.getClass().getSimpleName())
                            .parallelism(parallelism).build();
            return new SummarizeHandler(blobNameTemplate, documentParser != null ? documentParser : TikaParser.create(),
                    summarizer, chatModel == null ? TokenBudget.UNLIMITED : tokenBudget);
        }
    }
}
