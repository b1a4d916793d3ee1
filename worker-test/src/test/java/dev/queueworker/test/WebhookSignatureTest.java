package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.core.WebhookSignature;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    // The Standard Webhooks specification's published test vector.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecTestVector() {
        assertThat(WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
    }

    @Test
    void acceptsTheBareBase64Secret() {
        assertThat(WebhookSignature.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
    }

    @Test
    void verifiesTheSpecTestVector() {
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", EXPECTED, BODY)).isTrue();
    }

    @Test
    void verifiesWhenOneOfSeveralSignaturesMatches() {
        String header = "v1,Zm9vYmFy v2,whatever " + EXPECTED;
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", header, BODY)).isTrue();
    }

    @Test
    void rejectsATamperedBodyIdOrTimestamp() {
        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", EXPECTED, tampered)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "msg_other", "1614265330", EXPECTED, BODY)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265331", EXPECTED, BODY)).isFalse();
    }

    @Test
    void rejectsAnotherSecretMissingHeadersAndOtherVersions() {
        String other = "whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=";
        assertThat(WebhookSignature.verify(other, ID, "1614265330", EXPECTED, BODY)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", null, BODY)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, "1614265330", EXPECTED, BODY)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", EXPECTED.replace("v1,", "v2,"), BODY)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, ID, "1614265330", "v1,not*base64", BODY)).isFalse();
    }

    @Test
    void badSecretMessageNamesTheOptionButNotTheValue() {
        String bad = "whsec_s3cr3t!value";
        assertThatThrownBy(() -> WebhookSignature.sign(bad, ID, TIMESTAMP, BODY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'secret' must be 'whsec_' followed by Base64")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
        assertThatThrownBy(() -> WebhookSignature.verify("whsec_", ID, "1", EXPECTED, BODY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'secret' must be 'whsec_' followed by Base64");
    }
}
