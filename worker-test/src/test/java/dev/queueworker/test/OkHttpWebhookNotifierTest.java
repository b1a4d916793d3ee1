package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.TaskStatus;
import dev.queueworker.api.WebhookDelivery;
import dev.queueworker.api.WebhookDelivery.Outcome;
import dev.queueworker.api.WebhookEvent;
import dev.queueworker.core.OkHttpWebhookNotifier;
import dev.queueworker.core.internal.WebhookJson;
import dev.queueworker.test.RecordingWebhookReceiver.ReceivedWebhook;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OkHttpWebhookNotifierTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Instant NOW = Instant.parse("2025-03-01T10:16:00Z");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RecordingWebhookReceiver receiver = RecordingWebhookReceiver.start(SECRET);
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<InetSocketAddress> connects = new CopyOnWriteArrayList<>();
    private final OkHttpClient client = new OkHttpClient.Builder().eventListener(new EventListener() {
        @Override
        public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            connects.add(address);
        }
    }).build();

    @AfterEach
    void closeReceiver() {
        receiver.close();
    }

    private OkHttpWebhookNotifier.Builder notifier() {
        return OkHttpWebhookNotifier.builder()
                .okHttpClient(client)
                .secret(SECRET)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .sleeper(sleeps::add);
    }

    private static WebhookEvent event(String url) {
        return new WebhookEvent(WebhookJson.webhookId("southhaven", "t-1", TaskStatus.COMPLETED), url, "t-1",
                "ingest", "southhaven", TaskStatus.COMPLETED, null, null, 1, NOW.minusSeconds(30), NOW);
    }

    @Test
    void deliversSignedJsonWithStandardWebhooksHeaders() {
        WebhookEvent event = event(receiver.url());
        WebhookDelivery d = notifier().build().deliver(event);

        assertThat(d.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.attempts()).isEqualTo(1);
        ReceivedWebhook got = receiver.awaitCount(1, WAIT).get(0);
        assertThat(got.signatureValid()).isTrue();
        assertThat(got.webhookId()).isEqualTo(event.webhookId());
        assertThat(got.timestamp()).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(got.header("content-type")).startsWith("application/json");
        assertThat(got.header("user-agent")).isEqualTo("queue-worker");
        assertThat(got.rawBody()).isEqualTo(WebhookJson.payload(event));
        assertThat(got.body().get("status").asText()).isEqualTo("completed");
    }

    @Test
    void unsignedWithoutASecret() {
        WebhookDelivery d = notifier().secret(null).build().deliver(event(receiver.url()));
        assertThat(d.delivered()).isTrue();
        assertThat(receiver.awaitCount(1, WAIT).get(0).header("webhook-signature")).isNull();
    }

    @Test
    void retriesServerErrorsWithGrowingBackoff() {
        receiver.respondWith(500, 500);
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));

        assertThat(d.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(receiver.received()).extracting(ReceivedWebhook::responseStatus).containsExactly(500, 500, 200);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(sleeps.get(1)).isGreaterThan(sleeps.get(0));
    }

    @Test
    void giveUpOnQuickRetriesWithRetryLater() {
        receiver.respondWith(503, 503, 503);
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.RETRY_LATER);
        assertThat(d.statusCode()).isEqualTo(503);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.detail()).contains("503");
    }

    @Test
    void honoursRetryAfterSeconds() {
        receiver.respondWith(429, Map.of("Retry-After", "7"));
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void honoursRetryAfterHttpDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(NOW.plusSeconds(12), ZoneOffset.UTC));
        receiver.respondWith(503, Map.of("Retry-After", date));
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(12));
    }

    @Test
    void aRetryAfterBeyondTheLimitEndsQuickRetries() {
        receiver.respondWith(429, Map.of("Retry-After", "3600"));
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.RETRY_LATER);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.statusCode()).isEqualTo(429);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void otherClientErrorsAreRejectedAtOnce() {
        receiver.respondWith(400);
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(d.statusCode()).isEqualTo(400);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(receiver.received()).hasSize(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aStoppedReceiverMeansRetryLater() {
        receiver.stop();
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.RETRY_LATER);
        assertThat(d.statusCode()).isZero();
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.detail()).contains("ConnectException");
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void aReceiverSlowerThanTheReadTimeoutMeansRetryLater() {
        receiver.respondWithDelay(Duration.ofSeconds(30));
        WebhookDelivery d = notifier().readTimeout(Duration.ofMillis(200)).maxAttempts(2).build()
                .deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.RETRY_LATER);
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.detail()).containsIgnoringCase("timeout");
    }

    @Test
    void refusesTheCloudMetadataAddressWithoutConnecting() {
        WebhookDelivery d = notifier().build().deliver(event("http://169.254.169.254/latest/meta-data"));
        assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(d.attempts()).isZero();
        assertThat(d.detail()).isEqualTo("refused: 169.254.169.254 is a link-local/cloud-metadata address");
        assertThat(connects).isEmpty();
    }

    @Test
    void refusesOtherBlockedLiteralsAndSchemes() {
        OkHttpWebhookNotifier n = notifier().build();
        for (String url : List.of("http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/",
                "http://0.0.0.0:8080/", "ftp://example.com/", "not a url")) {
            WebhookDelivery d = n.deliver(event(url));
            assertThat(d.outcome()).as(url).isEqualTo(Outcome.REFUSED);
            assertThat(d.detail()).as(url).startsWith("refused: ");
        }
        assertThat(connects).isEmpty();
    }

    @Test
    void refusesARedirectToTheMetadataAddress() {
        receiver.redirectTo("http://169.254.169.254/latest/meta-data");
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(d.detail()).contains("169.254.169.254");
        assertThat(receiver.received()).hasSize(1);
        assertThat(connects).extracting(InetSocketAddress::getPort).containsExactly(receiver.port());
    }

    @Test
    void followsARedirectRePostingTheSignedBody() {
        try (RecordingWebhookReceiver target = RecordingWebhookReceiver.start(SECRET)) {
            receiver.redirectTo(target.url("/moved"));
            WebhookEvent event = event(receiver.url());
            WebhookDelivery d = notifier().build().deliver(event);
            assertThat(d.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(d.attempts()).isEqualTo(2);
            ReceivedWebhook got = target.awaitCount(1, WAIT).get(0);
            assertThat(got.path()).isEqualTo("/moved");
            assertThat(got.rawBody()).isEqualTo(WebhookJson.payload(event));
            assertThat(got.signatureValid()).isTrue();
            assertThat(receiver.received()).extracting(ReceivedWebhook::responseStatus).containsExactly(307);
        }
    }

    @Test
    void tooManyRedirectsAreRejectedWithoutTheQueryInTheDetail() {
        receiver.redirectTo(receiver.url("/moved?token=x1"));
        WebhookDelivery d = notifier().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(d.detail()).contains("redirects").doesNotContain("token");
        assertThat(receiver.received()).hasSize(6); // the first request and five hops
        assertThat(receiver.received().get(5).path()).isEqualTo("/moved");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void refusesAHostNameResolvingToTheMetadataAddress() {
        OkHttpClient fakeDns = client.newBuilder()
                .dns(host -> List.of(InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})))
                .build();
        WebhookDelivery d = notifier().okHttpClient(fakeDns).build().deliver(event("http://metadata.test/hook"));
        assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(d.attempts()).isZero();
        assertThat(d.detail()).isEqualTo(
                "refused: metadata.test resolves to 169.254.169.254, a link-local/cloud-metadata address");
        assertThat(connects).isEmpty();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void refusesHostsOutsideAllowedHosts() {
        WebhookDelivery d = notifier().allowedHosts(List.of("app.example", "*.hooks.example")).build()
                .deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(d.detail()).isEqualTo("refused: 127.0.0.1 is not in allowedHosts");
        assertThat(receiver.received()).isEmpty();
        assertThat(connects).isEmpty();
    }

    @Test
    void deliversToAnAllowedHost() {
        WebhookDelivery d = notifier().allowedHosts(List.of("127.0.0.1")).build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void wildcardAllowedHostsMatchSubdomainsCaseInsensitively() {
        OkHttpClient loopbackDns = client.newBuilder()
                .dns(host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})))
                .build();
        OkHttpWebhookNotifier n = notifier().okHttpClient(loopbackDns).allowedHosts(List.of("*.Hooks.Example")).build();
        String sub = "http://App.hooks.example:" + receiver.port() + "/webhook";
        assertThat(n.deliver(event(sub)).outcome()).isEqualTo(Outcome.DELIVERED);
        String apex = "http://hooks.example:" + receiver.port() + "/webhook";
        assertThat(n.deliver(event(apex)).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void repeatedDeliveriesCarryTheSameWebhookId() {
        OkHttpWebhookNotifier n = notifier().build();
        WebhookEvent event = event(receiver.url());
        n.deliver(event);
        n.deliver(event);
        List<ReceivedWebhook> got = receiver.awaitCount(2, WAIT);
        assertThat(got.get(0).webhookId()).isEqualTo(event.webhookId()).isEqualTo(got.get(1).webhookId());
    }

    @Test
    void theBuilderValidatesEarlyAndNamesTheOption() {
        assertThatThrownBy(() -> OkHttpWebhookNotifier.builder().maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> OkHttpWebhookNotifier.builder().readTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readTimeout");
        assertThatThrownBy(() -> OkHttpWebhookNotifier.builder().allowedHosts(List.of("a/b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowedHosts");
        assertThatThrownBy(() -> OkHttpWebhookNotifier.builder().secret("whsec_p@ss!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'secret'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("p@ss"));
    }

    @Test
    void newBuilderKeepsTheSettings() {
        OkHttpWebhookNotifier original = notifier().maxAttempts(1).build();
        receiver.respondWith(500);
        WebhookDelivery d = original.newBuilder().build().deliver(event(receiver.url()));
        assertThat(d.outcome()).isEqualTo(Outcome.RETRY_LATER);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(receiver.awaitCount(1, WAIT).get(0).signatureValid()).isTrue();
        assertThat(original.toString()).doesNotContain("MfKQ9");
    }

    @Test
    void refusalReasonAppliesTheSendingRulesWithoutSending() throws Exception {
        OkHttpWebhookNotifier open = OkHttpWebhookNotifier.builder().build();
        assertThat(open.refusalReason("http://127.0.0.1:9/hook")).isEmpty();
        assertThat(open.refusalReason("http://169.254.169.254/latest/meta-data"))
                .contains("169.254.169.254 is a link-local/cloud-metadata address");
        assertThat(open.refusalReason("http://[fd00:ec2::254]/")).hasValueSatisfying(r -> assertThat(r)
                .contains("a cloud-metadata address"));
        assertThat(open.refusalReason("ftp://app.example/")).contains("not an http(s) URL");
        assertThat(open.refusalReason("http://localhost/hook")).isEmpty();

        OkHttpWebhookNotifier restricted = OkHttpWebhookNotifier.builder()
                .allowedHosts(List.of("*.hooks.example", "localhost")).build();
        assertThat(restricted.refusalReason("https://other.example/x")).contains("other.example is not in allowedHosts");
        assertThat(restricted.refusalReason("http://localhost:8080/x")).isEmpty();
        assertThatThrownBy(() -> restricted.refusalReason("https://a.hooks.example/x"))
                .isInstanceOf(java.net.UnknownHostException.class);
        assertThat(receiver.received()).isEmpty();
    }
}
