package dev.queueworker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AzureQueueProviderTest {
    @Test
    void clientIdsThatCannotNameAQueueAreRefusedWithTheReason() {
        assertThat(AzureQueueProvider.checkClientId("southhaven")).isNull();
        assertThat(AzureQueueProvider.checkClientId("south-haven-2")).isNull();
        assertThat(AzureQueueProvider.checkClientId("South_Haven"))
                .contains("CLIENT_ID 'South_Haven' cannot name an Azure queue")
                .contains("'South_Haven-tasks' must be 3-63 lowercase letters, digits and single hyphens");
        assertThat(AzureQueueProvider.checkClientId("a--b")).contains("single hyphens");
        assertThat(AzureQueueProvider.checkClientId("-ab")).isNotNull();
        assertThat(AzureQueueProvider.checkClientId("x".repeat(50))).isNull();
        assertThat(AzureQueueProvider.checkClientId("x".repeat(51))).contains("-tasks-poison");
        assertThat(AzureQueueProvider.checkClientId("")).contains("must not be empty");
        assertThatThrownBy(() -> AzureQueueProvider.builder().clientId("Bad Name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLIENT_ID 'Bad Name'");
    }

    @Test
    void needsExactlyOneWayToAuthenticate() {
        assertThatThrownBy(() -> AzureQueueProvider.builder().build())
                .hasMessageContaining("AZURE_STORAGE_CONNECTION_STRING").hasMessageContaining("AZURE_STORAGE_ACCOUNT_NAME");
        assertThatThrownBy(() -> AzureQueueProvider.builder().connectionString("x").accountName("acct").build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void settingsAreCheckedWhenSetAndNameTheirVariable() {
        assertThatThrownBy(() -> AzureQueueProvider.builder().connectionString(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AZURE_STORAGE_CONNECTION_STRING");
        assertThatThrownBy(() -> AzureQueueProvider.builder().accountName("My_Account"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AZURE_STORAGE_ACCOUNT_NAME").hasMessageContaining("'My_Account'");
        assertThatThrownBy(() -> AzureQueueProvider.builder().maxTries(0))
                .hasMessageContaining("AZURE_STORAGE_MAX_TRIES").hasMessageContaining("was 0");
        assertThatThrownBy(() -> AzureQueueProvider.builder().tryTimeout(Duration.ZERO))
                .hasMessageContaining("AZURE_STORAGE_TRY_TIMEOUT");
        assertThatThrownBy(() -> AzureQueueProvider.builder().retryDelay(Duration.ofSeconds(-1)))
                .hasMessageContaining("retryDelay");
        assertThatThrownBy(() -> AzureQueueProvider.builder().connectionString("UseDevelopmentStorage=true")
                .retryDelay(Duration.ofSeconds(10)).maxRetryDelay(Duration.ofSeconds(1)).createQueues(false).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxRetryDelay (PT1S)");
    }

    @Test
    void aBrokenConnectionStringIsNamedButNeverEchoed() {
        String secret = "AccountName=acct;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;Garbage";
        assertThatThrownBy(() -> AzureQueueProvider.builder().connectionString(secret).createQueues(false).build())
                .hasMessageContaining("AZURE_STORAGE_CONNECTION_STRING")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0LWtleS12YWx1ZQ=="));
    }

    @Test
    void smallPoisonEnvelopesAreKeptAsTheyAre() {
        String envelope = "{\"original_body\":\"x\",\"reason\":\"r\"}";
        assertThat(AzureQueueProvider.fitPoisonEnvelope(envelope, 1000)).isSameAs(envelope);
    }

    @Test
    void anOversizedPoisonEnvelopeIsCutToFitAndSaysWhatWasCut() throws Exception {
        String original = "é\"\\" + "a".repeat(100_000);
        String envelope = new ObjectMapper().createObjectNode().put("original_body", original)
                .put("reason", "body: is 100004 bytes, over the limit").put("error_type", "InvalidMessage").toString();

        String fitted = AzureQueueProvider.fitPoisonEnvelope(envelope, 64 * 1024);

        assertThat(fitted.length()).isLessThanOrEqualTo(64 * 1024);
        JsonNode node = new ObjectMapper().readTree(fitted);
        assertThat(node.get("reason").asText()).startsWith("body: is 100004 bytes");
        assertThat(node.get("original_body_truncated").asBoolean()).isTrue();
        byte[] bytes = original.getBytes(StandardCharsets.UTF_8);
        assertThat(node.get("original_body_bytes").asLong()).isEqualTo(bytes.length);
        assertThat(node.get("original_body_sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(original).startsWith(node.get("original_body").asText());
        assertThat(node.get("original_body").asText().length()).isGreaterThan(60_000);
    }
}
