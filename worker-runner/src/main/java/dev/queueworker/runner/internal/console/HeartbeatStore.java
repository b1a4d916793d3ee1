package dev.queueworker.runner.internal.console;

import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;

/**
 * Where workers keep their heartbeat records: small JSON blobs under
 * {@code _queue-worker/workers/{CLIENT_ID}/} in the blob container the workers already share
 * ({@code AZURE_STORAGE_CONTAINER_NAME}), or, without a shared account, this process's memory.
 */
interface HeartbeatStore {

    void put(String workerId, String json);

    List<String> list();

    void remove(String workerId);

    /** Where the records are, for messages to people (never a key). */
    String description();

    /** This process only: the page then shows this worker alone. */
    static HeartbeatStore inMemory() {
        Map<String, String> records = new ConcurrentHashMap<>();
        return new HeartbeatStore() {
            @Override
            public void put(String workerId, String json) {
                records.put(workerId, json);
            }

            @Override
            public List<String> list() {
                return List.copyOf(records.values());
            }

            @Override
            public void remove(String workerId) {
                records.remove(workerId);
            }

            @Override
            public String description() {
                return "this process (no shared storage account)";
            }
        };
    }

    /** Blobs in {@code container} of the account of {@code connectionString}. */
    static HeartbeatStore blobs(String connectionString, String container, String clientId, OkHttpClient http) {
        BlobContainerClient client = new BlobServiceClientBuilder()
                .connectionString(connectionString)
                .httpClient(new OkHttpAsyncHttpClientBuilder(http).build())
                .buildClient()
                .getBlobContainerClient(container);
        String prefix = "_queue-worker/workers/" + clientId + "/";
        return new HeartbeatStore() {
            private volatile boolean created;

            @Override
            public void put(String workerId, String json) {
                if (!created) {
                    client.createIfNotExists();
                    created = true;
                }
                client.getBlobClient(prefix + workerId + ".json").upload(BinaryData.fromString(json), true);
            }

            @Override
            public List<String> list() {
                List<String> out = new ArrayList<>();
                client.listBlobs(new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(100), Duration.ofSeconds(10))
                        .stream().limit(200)
                        .forEach(item -> out.add(client.getBlobClient(item.getName()).downloadContent().toString()));
                return out;
            }

            @Override
            public void remove(String workerId) {
                client.getBlobClient(prefix + workerId + ".json").deleteIfExists();
            }

            @Override
            public String description() {
                return "blob container " + container + " (" + prefix + ")";
            }
        };
    }
}
