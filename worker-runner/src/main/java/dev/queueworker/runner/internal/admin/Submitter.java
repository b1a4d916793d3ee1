package dev.queueworker.runner.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.DocumentNames;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.api.Task;
import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.azure.BlobNames;
import dev.queueworker.runner.internal.cli.CommandFailedException;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.wiring.Components;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What a frontend does to start a task: upload the document through the configured store under the
 * name the worker will read ({@code BLOB_NAME_TEMPLATE}), then put the message of DESIGN.md on
 * {@code {CLIENT_ID}-tasks}:
 *
 * <pre>{@code
 * {"task_id": "…", "task_type": "ingest",
 *  "payload": {"filename": "report.pdf", "document_set": "policies", …--payload's fields},
 *  "webhook_url": "…"}
 * }</pre>
 *
 * <p>The queue is reached first (creating the queues when missing, as the daemon does), so an
 * unreachable queue fails before anything is uploaded.
 */
public final class Submitter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern TASK_TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final String FILENAME = "filename";
    private static final String DOCUMENT_SET = "document_set";

    /** One submission's inputs, as the options give them; nulls for options not given. */
    public record Request(String taskType, Path file, String documentSet, String webhookUrl, String payloadJson,
            String taskId) {
    }

    /** What was done: the task id, the document's name (null without a file) and the queue message's id. */
    public record Submitted(String taskId, String documentName, String queueName, String messageId) {
    }

    private Submitter() {
    }

    /**
     * The message body for {@code request}, and the document name its file goes to (null without a
     * file). Checks every option; touches nothing.
     *
     * @throws UsageException naming the option at fault
     */
    static Prepared prepare(RunnerConfig config, Request request, Path workingDirectory) {
        if (request.taskType() == null || !TASK_TYPE.matcher(request.taskType()).matches()) {
            throw new UsageException("TYPE must be a task type (lowercase letters, digits, '.', '_', '-'), such as"
                    + " ingest or summarize; was '" + request.taskType() + "'");
        }
        ObjectNode payload = MAPPER.createObjectNode();
        Path file = null;
        if (request.file() != null) {
            file = workingDirectory.resolve(request.file());
            if (!Files.isRegularFile(file)) {
                throw new UsageException("--file " + request.file() + ": no such file");
            }
            if (!Files.isReadable(file)) {
                throw new UsageException("--file " + request.file() + ": not readable");
            }
            payload.put(FILENAME, file.getFileName().toString());
        }
        if (request.documentSet() != null) {
            if (request.documentSet().isBlank()) {
                throw new UsageException("--document-set must not be blank");
            }
            payload.put(DOCUMENT_SET, request.documentSet());
        }
        if (request.payloadJson() != null) {
            JsonNode extra;
            try {
                extra = MAPPER.readTree(request.payloadJson());
            } catch (JsonProcessingException e) {
                throw new UsageException("--payload is not valid JSON: " + e.getOriginalMessage());
            }
            if (extra == null || !extra.isObject()) {
                throw new UsageException("--payload must be a JSON object, such as '{\"max_words\": 200}'");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode given = payload.get(field.getKey());
                if (given != null && !given.equals(field.getValue())) {
                    throw new UsageException("--payload sets '" + field.getKey() + "' to " + field.getValue()
                            + ", but " + (FILENAME.equals(field.getKey()) ? "--file" : "--document-set") + " gives "
                            + given + "; give it once");
                }
                payload.set(field.getKey(), field.getValue());
            }
        }
        if (file == null && payload.isEmpty() && request.payloadJson() == null) {
            throw new UsageException("give --file (and --document-set) for a document, or --payload for a task"
                    + " that needs none");
        }
        String taskId = request.taskId() != null ? request.taskId() : UUID.randomUUID().toString();
        if (taskId.isBlank() || taskId.length() > 256 || taskId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new UsageException("--task-id must be 1 to 256 characters without control characters");
        }
        if (request.webhookUrl() != null) {
            HttpUrl url = HttpUrl.parse(request.webhookUrl());
            if (url == null) {
                throw new UsageException("--webhook-url must be an http:// or https:// URL");
            }
        }
        ObjectNode message = MAPPER.createObjectNode();
        message.put("task_id", taskId);
        message.put("task_type", request.taskType());
        message.set("payload", payload);
        if (request.webhookUrl() != null) {
            message.put("webhook_url", request.webhookUrl());
        }
        String documentName = null;
        if (file != null) {
            Task task = new Task(taskId, request.taskType(), payload, request.webhookUrl(), 1, Instant.now(), "submit");
            String template = config.ai().blobNameTemplate();
            try {
                documentName = config.documentStoreKind() == RunnerConfig.DocumentStoreKind.AZURE
                        ? BlobNames.forTask(task, template)
                        : DocumentNames.forTask(task, template);
            } catch (InvalidTaskException e) {
                throw new UsageException("the document name (" + DocumentNames.TEMPLATE_VARIABLE + " "
                        + (template == null ? DocumentNames.DEFAULT_TEMPLATE : template) + ") cannot be made: "
                        + e.getMessage() + " (set by --file, --document-set or --payload)");
            }
        }
        return new Prepared(message.toString(), taskId, file, documentName);
    }

    /** A checked submission: the message body, the task id, and the file with the name it is stored under. */
    record Prepared(String message, String taskId, Path file, String documentName) {
    }

    /**
     * Uploads and enqueues {@code request}.
     *
     * @throws UsageException when an option is wrong (nothing was touched)
     * @throws ConfigException when the configuration cannot submit (the mock queue, the memory store)
     * @throws CommandFailedException when Azure Storage or the document store fails
     */
    public static Submitted submit(RunnerConfig config, Request request, Path workingDirectory, OkHttpClient http) {
        AdminConnections.requireSharedQueue(config, "submit");
        Prepared prepared = prepare(config, request, workingDirectory);
        if (prepared.file() != null && config.documentStoreKind() == RunnerConfig.DocumentStoreKind.MEMORY) {
            throw new ConfigException("submit --file needs a shared document store; DOCUMENT_STORE=memory lives"
                    + " inside one process (use azure, or filesystem with the worker's DOCUMENTS_DIR)");
        }
        AzureQueueProvider queue;
        try {
            queue = AdminConnections.queue(config, http, true, config.azureMaxTries(), config.azureTryTimeout());
        } catch (QueueWorkerException e) {
            throw new CommandFailedException("the queue is not reachable: " + e.getMessage()
                    + " (is Azure Storage running? check AZURE_STORAGE_CONNECTION_STRING)");
        }
        try {
            if (prepared.file() != null) {
                upload(config, http, prepared);
            }
            String messageId;
            try {
                messageId = queue.send(prepared.message(), Duration.ZERO);
            } catch (QueueWorkerException e) {
                throw new CommandFailedException("the task could not be queued: " + e.getMessage());
            }
            return new Submitted(prepared.taskId(), prepared.documentName(), queue.queueName(), messageId);
        } finally {
            queue.close();
        }
    }

    private static void upload(RunnerConfig config, OkHttpClient http, Prepared prepared) {
        DocumentStore documents;
        try {
            documents = Components.documents(config, http);
        } catch (QueueWorkerException e) {
            throw new CommandFailedException("the document store is not reachable: " + e.getMessage());
        }
        try (InputStream in = Files.newInputStream(prepared.file())) {
            documents.put(prepared.documentName(), in, Files.size(prepared.file()), contentType(prepared.file()));
        } catch (IOException e) {
            throw new CommandFailedException("reading " + prepared.file() + " failed: " + e.getMessage());
        } catch (QueueWorkerException e) {
            throw new CommandFailedException("uploading " + prepared.file().getFileName() + " as "
                    + prepared.documentName() + " failed: " + e.getMessage());
        }
    }

    private static String contentType(Path file) {
        try {
            return Files.probeContentType(file);
        } catch (IOException e) {
            return null; // the worker detects the type from the content
        }
    }
}
