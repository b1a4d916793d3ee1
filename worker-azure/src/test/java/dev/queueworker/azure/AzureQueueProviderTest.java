package dev.queueworker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AzureQueueProviderTest {
    @Test
    void clientIdsThatCannotNameAQueueAreRefusedWithTheReason() {
        assertThat(AzureQueueProvider.checkClientId("southhaven")).isNull();
        assertThat(AzureQueueProvider.checkClientId("south-haven-2")).isNull();
        assertThat(AzureQueueProvider.checkClientId("South_Haven"))
                .contains("clientId 'South_Haven' cannot name an Azure queue")
                .contains("'South_Haven-tasks' must be 3-63 lowercase letters, digits and single hyphens");
        assertThat(AzureQueueProvider.checkClientId("a--b")).contains("single hyphens");
        assertThat(AzureQueueProvider.checkClientId("-ab")).isNotNull();
        assertThat(AzureQueueProvider.checkClientId("x".repeat(50))).isNull();
        assertThat(AzureQueueProvider.checkClientId("x".repeat(51))).contains("-tasks-poison");
        assertThat(AzureQueueProvider.checkClientId("")).contains("must not be empty");
        assertThatThrownBy(() -> AzureQueueProvider.builder().clientId("Bad Name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientId 'Bad Name'");
    }

    @Test
    void needsExactlyOneWayToAuthenticate() {
        assertThatThrownBy(() -> AzureQueueProvider.builder().build())
                .hasMessageContaining("'connectionString'").hasMessageContaining("'accountName'");
        assertThatThrownBy(() -> AzureQueueProvider.builder().connectionString("x").accountName("acct").build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void settingsAreCheckedWhenSetAndNameTheirOption() {
        assertThatThrownBy(() -> AzureQueueProvider.builder().connectionString(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'connectionString'");
        assertThatThrownBy(() -> AzureQueueProvider.builder().accountName("My_Account"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'accountName'").hasMessageContaining("'My_Account'");
        assertThatThrownBy(() -> AzureQueueProvider.builder().maxTries(0))
                .hasMessageContaining("'maxTries'").hasMessageContaining("was 0");
        assertThatThrownBy(() -> AzureQueueProvider.builder().tryTimeout(Duration.ZERO))
                .hasMessageContaining("'tryTimeout'");
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
                .hasMessageContaining("'connectionString'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("c2VjcmV0LWtleS12YWx1ZQ=="));
    }
}
