package dev.queueworker.runner.internal.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.DocumentNames;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskMessage;
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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import okhttp3.OkHttpClient;

/**
 * What a frontend does to start a task: upload the document through the configured store under the
 * name the worker will read ({@code BLOB_NAME_TEMPLATE}), then put a {@link TaskMessage} on
 * {@code {CLIENT_ID}-tasks}. Before anything is touched, the task is checked as the worker would check
 * it: the message's rules, the handler's payload rules ({@link dev.queueworker.api.TaskHandler#validate})
 * and the webhook policy ({@link WebhookPolicyCheck}); a task that would only end in the poison queue is
 * not sent.
 *
 * <p>The queue is reached first (creating the queues when missing, as the daemon does), so an
 * unreachable queue fails before anything is uploaded.
 */
public final class Submitter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FILENAME = "filename";
    private static final String DOCUMENT_SET = "document_set";

    /** One submission's inputs, as the options give them; nulls for options not given. */
    public record Request(String taskType, Path file, String documentSet, String webhookUrl, String payloadJson,
            String taskId) {
    }

    /**
     * What was done: the task id, the document's name (null without a file), the queue and the queue
     * message's id, and notes for the person (such as a payload no handler here could check).
     */
    public record Submitted(String taskId, String documentName, String queueName, String messageId,
            List<String> notes) {
    }

    private Submitter() {
    }

    /** A checked submission: the message, the file with the name it is stored under, and notes. */
    record Prepared(TaskMessage message, Path file, String documentName, List<String> notes) {
        String taskId() {
            return message.taskId();
        }
    }

    /**
     * The message for {@code request}, and the document name its file goes to (null without a file).
     * Checks every option, the handler's payload rules and the webhook policy; sends and uploads nothing.
     *
     * @throws UsageException naming the option at fault
     * @throws TaskRefusedException when the worker would refuse the task
     */
    static Prepared prepare(RunnerConfig config, Request request, Path workingDirectory) {
        checkTaskType(request.taskType());
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
            mergePayload(payload, request.payloadJson());
        }
        if (file == null && payload.isEmpty() && request.payloadJson() == null) {
            throw new UsageException("give --file (and --document-set) for a document, or --payload for a task"
                    + " that needs none");
        }
        TaskMessage message = message(request, payload);
        checkSize(config, message);
        Task task = message.toTask("submit", 1, Instant.now(), null);
        List<String> notes = new ArrayList<>();
        boolean checked;
        try {
            checked = Components.validate(config, task);
        } catch (InvalidTaskException e) {
            throw new TaskRefusedException("the " + task.type() + " handler refuses this task: " + e.getMessage()
                    + hint(e.field()) + "; nothing was queued");
        }
        if (!checked) {
            notes.add("no " + task.type() + " handler is installed here (WORKER_PLUGINS_DIR), so its payload was"
                    + " not checked");
        }
        if (request.webhookUrl() != null) {
            WebhookPolicyCheck.refusal(config, request.webhookUrl()).ifPresent(reason -> {
                throw new TaskRefusedException("--webhook-url " + reason + "; nothing was queued");
            });
        }
        String documentName = file == null ? null : documentName(config, task);
        return new Prepared(message, file, documentName, List.copyOf(notes));
    }

    private static void checkTaskType(String taskType) {
        try {
            TaskMessage.checkTaskType(taskType);
        } catch (InvalidTaskException e) {
            throw new UsageException("TYPE must be a task type (1 to 64 lowercase letters, digits, '.', '_', '-'),"
                    + " such as ingest or summarize; was '" + taskType + "'");
        }
        if (taskType.startsWith(TaskMessage.RESERVED_TYPE_PREFIX)) {
            throw new UsageException("TYPE " + taskType + " is reserved: types starting with '"
                    + TaskMessage.RESERVED_TYPE_PREFIX + "' are the worker's own messages");
        }
    }

    private static void mergePayload(ObjectNode payload, String json) {
        JsonNode extra;
        try {
            extra = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UsageException("--payload is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; give an object such as '{\"max_words\": 200}'");
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

    /** The message by {@link TaskMessage}'s rules; a broken rule names the option that set the field. */
    private static TaskMessage message(Request request, ObjectNode payload) {
        try {
            return TaskMessage.builder(request.taskType())
                    .taskId(request.taskId() != null ? request.taskId() : UUID.randomUUID().toString())
                    .webhookUrl(request.webhookUrl())
                    .payload(payload)
                    .build();
        } catch (InvalidTaskException e) {
            String option = switch (e.field()) {
                case TaskMessage.TASK_ID -> "--task-id";
                case TaskMessage.WEBHOOK_URL -> "--webhook-url";
                default -> "TYPE";
            };
            throw new UsageException(option + " (" + e.getMessage() + ")");
        }
    }

    /** The worker's limit on the JSON, and Azure's on the stored text (larger once Base64-encoded). */
    private static void checkSize(RunnerConfig config, TaskMessage message) {
        String json = message.toJson();
        try {
            TaskMessage.checkSize(json, config.workerOptions().maxMessageBytes());
            TaskMessage.checkSize(message.encode(encoding(config)), AzureQueueProvider.MAX_MESSAGE_CHARS);
        } catch (InvalidTaskException e) {
            throw new UsageException("the task message " + e.getMessage().substring("body: ".length())
                    + " (WORKER_MAX_MESSAGE_BYTES; Azure holds 64 KiB per message): shorten --payload");
        }
    }

    private static TaskMessage.Encoding encoding(RunnerConfig config) {
        return config.messageEncoding() == AzureQueueProvider.MessageEncoding.BASE64
                ? TaskMessage.Encoding.BASE64 : TaskMessage.Encoding.PLAIN;
    }

    private static String hint(String field) {
        return field.equals("payload.filename") ? " (give --file)"
                : field.equals("payload.document_set") ? " (give --document-set)"
                : field.startsWith("payload.") ? " (set by --file, --document-set or --payload)" : "";
    }

    private static String documentName(RunnerConfig config, Task task) {
        String template = config.ai().blobNameTemplate();
        try {
            return config.documentStoreKind() == RunnerConfig.DocumentStoreKind.AZURE
                    ? BlobNames.forTask(task, template)
                    : DocumentNames.forTask(task, template);
        } catch (InvalidTaskException e) {
            throw new UsageException("the document name (BLOB_NAME_TEMPLATE "
                    + (template == null ? DocumentNames.DEFAULT_TEMPLATE : template) + ") cannot be made: "
                    + e.getMessage() + " (set by --file, --document-set or --payload)");
        }
    }

    /**
     * Uploads and enqueues {@code request}.
     *
     * @throws UsageException when an option is wrong (nothing was touched)
     * @throws TaskRefusedException when the worker would refuse the task (nothing was touched)
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
        try (AzureQueueProvider queue = reachQueue(config, http)) {
            if (prepared.file() != null) {
                upload(config, http, prepared);
            }
            String messageId = send(queue, prepared.message().encode(encoding(config)));
            return new Submitted(prepared.taskId(), prepared.documentName(), queue.queueName(), messageId,
                    prepared.notes());
        }
    }

    /**
     * Puts {@code body} on the queue exactly as given, neither checked nor encoded: for trying how the
     * worker treats a message (a bad one ends in the poison queue).
     *
     * @return the task id the worker will use (the body's {@code task_id}, else the message id), and a
     *     note saying why the worker will refuse the body, when it will
     */
    public static Submitted submitRaw(RunnerConfig config, String body, OkHttpClient http) {
        AdminConnections.requireSharedQueue(config, "submit");
        if (body.isEmpty()) {
            throw new UsageException("--raw needs a body; an empty message is refused by Azure Storage");
        }
        String problem = null;
        String taskId = null;
        try {
            taskId = TaskMessage.parse(body, config.workerOptions().maxMessageBytes()).taskId();
        } catch (InvalidTaskException e) {
            problem = e.getMessage();
        }
        try (AzureQueueProvider queue = reachQueue(config, http)) {
            String messageId = send(queue, body);
            return new Submitted(taskId != null ? taskId : messageId, null, queue.queueName(), messageId,
                    problem == null ? List.of() : List.of("the worker will move this message to the poison queue: "
                            + problem));
        }
    }

    /** The queue, built to store bodies as given: the message is encoded here, as QUEUE_MESSAGE_ENCODING says. */
    private static AzureQueueProvider reachQueue(RunnerConfig config, OkHttpClient http) {
        try {
            return AdminConnections.queue(config, http, true, config.azureMaxTries(), config.azureTryTimeout(),
                    AzureQueueProvider.MessageEncoding.NONE);
        } catch (QueueWorkerException e) {
            throw new CommandFailedException("the queue is not reachable: " + e.getMessage()
                    + " (is Azure Storage running? check AZURE_STORAGE_CONNECTION_STRING)");
        }
    }

    /** Sends {@code stored} as it is (the provider was built without encoding). */
    private static String send(AzureQueueProvider queue, String stored) {
        try {
            return queue.send(stored, Duration.ZERO);
        } catch (QueueWorkerException e) {
            throw new CommandFailedException("the task could not be queued: " + e.getMessage());
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
