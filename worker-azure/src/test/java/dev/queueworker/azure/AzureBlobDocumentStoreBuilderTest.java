package dev.queueworker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.InvalidDocumentNameException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Builder validation and name rules: nothing here talks to a service (createContainer(false)). */
class AzureBlobDocumentStoreBuilderTest {
    private static final String SECRET_KEY = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";

    @Test
    void developmentStorageConnectionStringPointsAtTheLocalEmulator() {
        AzureBlobDocumentStore store = AzureBlobDocumentStore.builder().connectionString("UseDevelopmentStorage=true")
                .createContainer(false).build();

        assertThat(store).hasToString("AzureBlobDocumentStore[http://127.0.0.1:10000/devstoreaccount1/documents]");
    }

    @Test
    void accountNameGivesThePublicEndpoint() {
        AzureBlobDocumentStore store = AzureBlobDocumentStore.builder().accountName("southhaven")
                .credential(request -> Mono.empty()).containerName("uploads")
                .createContainer(false).build();

        assertThat(store).hasToString("AzureBlobDocumentStore[https://southhaven.blob.core.windows.net/uploads]");
    }

    @Test
    void containerNamesFollowAzuresRules() {
        for (String good : new String[] {"abc", "documents", "a-b-c", "1ab", "x".repeat(63)}) {
            assertThat(AzureBlobDocumentStore.builder().connectionString("UseDevelopmentStorage=true")
                    .containerName(good).createContainer(false).build().toString()).endsWith("/" + good + "]");
        }
        for (String bad : new String[] {"ab", "Documents", "-abc", "abc-", "a--b", "a_b", "x".repeat(64), ""}) {
            assertThatThrownBy(() -> AzureBlobDocumentStore.builder().containerName(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'containerName'");
        }
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().containerName(null))
                .hasMessageContaining("'containerName'");
    }

    @Test
    void accountNamesFollowAzuresRules() {
        for (String bad : new String[] {"ab", "South", "south-haven", "x".repeat(25)}) {
            assertThatThrownBy(() -> AzureBlobDocumentStore.builder().accountName(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'accountName'");
        }
    }

    @Test
    void exactlyOneWayToReachTheAccountIsRequired() {
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'connectionString'").hasMessageContaining("'accountName'");
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().connectionString("UseDevelopmentStorage=true")
                .accountName("southhaven").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().connectionString(" "))
                .hasMessageContaining("'connectionString'");
    }

    @Test
    void aBadConnectionStringIsReportedWithoutItsSecrets() {
        String bad = "DefaultEndpointsProtocol=https;AccountKey=" + SECRET_KEY + ";NoAccountNameHere";

        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().connectionString(bad).createContainer(false).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'connectionString'")
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET_KEY);
                    }
                });
    }

    @Test
    void retryAndBlockOptionsAreValidated() {
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().maxTries(0)).hasMessageContaining("maxTries");
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().tryTimeout(Duration.ZERO))
                .hasMessageContaining("tryTimeout");
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().retryDelay(Duration.ofSeconds(-1)))
                .hasMessageContaining("retryDelay");
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().blockSize(1024)).hasMessageContaining("blockSize");
        assertThatThrownBy(() -> AzureBlobDocumentStore.builder().connectionString("UseDevelopmentStorage=true")
                .retryDelay(Duration.ofSeconds(10)).maxRetryDelay(Duration.ofSeconds(1)).createContainer(false).build())
                .hasMessageContaining("maxRetryDelay");
    }

    @Test
    void blobNamesFollowTheStoreRulesAndAzures() {
        assertThat(AzureBlobDocumentStore.checkBlobName("policies/report.pdf")).isEqualTo("policies/report.pdf");
        assertThat(AzureBlobDocumentStore.checkBlobName("emoji-\uD83D\uDE00.txt")).isEqualTo("emoji-\uD83D\uDE00.txt");
        for (String bad : new String[] {"report.", "dir/.", "a/../b", "/x", "a\u0000b", "lone-\uD83D.txt",
                "x".repeat(1025)}) {
            assertThatThrownBy(() -> AzureBlobDocumentStore.checkBlobName(bad)).as(bad)
                    .isInstanceOf(InvalidDocumentNameException.class);
        }
    }
}
