package dev.queueworker.azure;

import dev.queueworker.test.Azurite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.Document;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the kit does not cover: Azure's failures mapped onto retryable and permanent, content types, the shared client. */
class AzureBlobDocumentStoreIT {
    private Azurite azurite;

    @BeforeEach
    void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterEach
    void stopAzurite() {
        azurite.close();
    }

    @Test
    void anUnavailableServiceIsRetryable() {
        AzureBlobDocumentStore store = builder().containerName("outage").build();
        put(store, "doc.txt", "x");
        azurite.stop();

        assertThatThrownBy(() -> store.open("doc.txt")).isInstanceOf(RetryableException.class);
        assertThatThrownBy(() -> store.exists("doc.txt")).isInstanceOf(RetryableException.class);
        assertThatThrownBy(() -> put(store, "other.txt", "y")).isInstanceOf(RetryableException.class);
        assertThatThrownBy(() -> store.list("")).isInstanceOf(RetryableException.class);

        // Azurite saves its metadata every few seconds, so a killed Azurite may forget the container and
        // doc.txt: what matters here is that the same store works again once the service is back.
        azurite.restart();
        builder().containerName("outage").build();
        put(store, "after.txt", "back");
        assertThat(store.exists("after.txt")).as("after the outage").isTrue();
    }

    @Test
    void aMissingContainerIsPermanentAndNamesTheSetting() {
        AzureBlobDocumentStore store = builder().containerName("never-created").createContainer(false).build();

        assertThatThrownBy(() -> store.list(""))
                .isInstanceOfSatisfying(PermanentException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo("ContainerNotFound");
                })
                .hasMessageContaining("does not exist; check the container's name");
        assertThatThrownBy(() -> put(store, "doc.txt", "x")).isInstanceOf(PermanentException.class)
                .hasMessageContaining("ContainerNotFound");
    }

    @Test
    void aWrongAccountKeyIsPermanentWithItsStatus() {
        builder().containerName("secured").build();
        String wrongKey = azurite.connectionString().replaceAll("AccountKey=[^;]+",
                "AccountKey=" + java.util.Base64.getEncoder().encodeToString(new byte[64]));
        AzureBlobDocumentStore store = AzureBlobDocumentStore.builder().connectionString(wrongKey)
                .containerName("secured").createContainer(false).maxTries(1).build();

        assertThatThrownBy(() -> store.list("")).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThatThrownBy(() -> store.open("doc.txt")).isInstanceOfSatisfying(PermanentException.class,
                e -> assertThat(e.statusCode()).isEqualTo(403));
    }

    @Test
    void contentTypesAreKeptAndDefaultToOctetStream() throws IOException {
        AzureBlobDocumentStore store = builder().containerName("types").build();
        byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
        store.put("typed.json", new ByteArrayInputStream(bytes), bytes.length, "application/json");
        store.put("untyped.bin", new ByteArrayInputStream(bytes), bytes.length, null);
        store.put("empty.txt", new ByteArrayInputStream(new byte[0]), 0, "text/plain");

        try (Document typed = store.open("typed.json"); Document untyped = store.open("untyped.bin");
                Document empty = store.open("empty.txt")) {
            assertThat(typed.contentType()).isEqualTo("application/json");
            assertThat(untyped.contentType()).isEqualTo("application/octet-stream");
            assertThat(empty.size()).isZero();
            assertThat(empty.content().read()).isEqualTo(-1);
        }
    }

    @Test
    void aLongerStreamThanItsSizeStoresNothing() {
        AzureBlobDocumentStore store = builder().containerName("sizes").build();

        assertThatThrownBy(() -> store.put("long.bin", new ByteArrayInputStream(new byte[10]), 4, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'size' was 4");
        assertThat(store.exists("long.bin")).isFalse();
    }

    @Test
    void aSharedOkHttpClientCarriesTheRequests() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        OkHttpClient shared = new OkHttpClient.Builder().addInterceptor(chain -> {
            requests.incrementAndGet();
            return chain.proceed(chain.request());
        }).build();
        AzureBlobDocumentStore store = builder().okHttpClient(shared).containerName("shared").build();

        put(store, "doc.txt", "through the shared client");

        try (Document document = store.open("doc.txt")) {
            assertThat(new String(document.content().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("through the shared client");
        }
        assertThat(requests.get()).as("requests seen by the shared client").isGreaterThanOrEqualTo(3);
    }

    private AzureBlobDocumentStore.Builder builder() {
        return AzureBlobDocumentStore.builder().connectionString(azurite.connectionString()).maxTries(2)
                .retryDelay(Duration.ofMillis(50)).maxRetryDelay(Duration.ofMillis(100))
                .tryTimeout(Duration.ofSeconds(5));
    }

    private static void put(AzureBlobDocumentStore store, String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        store.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }
}
