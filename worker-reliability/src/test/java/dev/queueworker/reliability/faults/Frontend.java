package dev.queueworker.reliability.faults;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.azure.core.util.BinaryData;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a frontend does, through the Azure SDK as any frontend would: upload a document to the blob
 * container, put a task message of DESIGN.md's format on {@code {CLIENT_ID}-tasks}, plain JSON or
 * Base64 of it (as Azure Functions and some SDKs write them).
 */
final class Frontend {
    static final String CONTAINER = "documents";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final QueueClient queue;
    private final QueueClient poison;
    private final BlobContainerClient container;

    Frontend(String connectionString, String clientId) {
        this.queue = new QueueClientBuilder().connectionString(connectionString).queueName(clientId + "-tasks")
                .buildClient();
        this.poison = new QueueClientBuilder().connectionString(connectionString)
                .queueName(clientId + "-tasks-poison").buildClient();
        this.container = new BlobServiceClientBuilder().connectionString(connectionString).buildClient()
                .getBlobContainerClient(CONTAINER);
        queue.createIfNotExists();
        poison.createIfNotExists();
        container.createIfNotExists();
    }

    /** Uploads {@code content} as the blob {@code name}, replacing an earlier one. */
    void upload(String name, String content, String contentType) {
        container.getBlobClient(name).upload(BinaryData.fromString(content), true);
        container.getBlobClient(name).setHttpHeaders(new BlobHttpHeaders().setContentType(contentType));
    }

    /**
     * Sends a task message and returns its {@code task_id} (a fresh UUID).
     *
     * @param base64 whether the body goes Base64-encoded, else plain JSON
     */
    String submit(String taskType, Map<String, ?> payload, String webhookUrl, boolean base64) {
        String taskId = UUID.randomUUID().toString();
        ObjectNode message = JSON.createObjectNode();
        message.put("task_id", taskId);
        message.put("task_type", taskType);
        message.set("payload", JSON.valueToTree(payload));
        message.put("webhook_url", webhookUrl);
        String body = message.toString();
        queue.sendMessage(base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        return taskId;
    }

    /** Messages on the task queue, visible or not (Azure's approximate count, exact on Azurite). */
    int queueDepth() {
        return queue.getProperties().getApproximateMessagesCount();
    }

    /** Messages on the poison queue. */
    int poisonDepth() {
        return poison.getProperties().getApproximateMessagesCount();
    }

    /** Up to 32 poison messages, for a failure message. */
    List<String> peekPoison() {
        return poison.peekMessages(32, null, null).stream().map(PeekedMessageItem::getBody)
                .map(BinaryData::toString).toList();
    }
}
