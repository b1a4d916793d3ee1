package dev.queueworker.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies webhooks per the <a href="https://www.standardwebhooks.com/">Standard
 * Webhooks</a> specification: {@code v1,<base64 HMAC-SHA256>} over {@code id.timestamp.body}, keyed
 * with the Base64-decoded part of a {@code whsec_<base64>} secret.
 *
 * <pre>{@code
 * String header = WebhookSignature.sign(secret, "msg_123", clock.instant().getEpochSecond(), body);
 * boolean ok = WebhookSignature.verify(secret, id, timestampHeader, signatureHeader, body);
 * }</pre>
 *
 * <p>{@link #verify} checks the signature only; a receiver should also reject timestamps far from
 * its own clock to stop replays.
 */
public final class WebhookSignature {

    private static final String PREFIX = "whsec_";
    private static final String VERSION = "v1,";
    private static final String INVALID_SECRET = "'secret' must be 'whsec_' followed by Base64";

    private WebhookSignature() {
    }

    /**
     * The {@code webhook-signature} header value for one request.
     *
     * @param secret {@code whsec_<base64>}, or the bare Base64
     * @param timestamp unix seconds, as sent in {@code webhook-timestamp}
     * @throws IllegalArgumentException when the secret is not valid
     */
    public static String sign(String secret, String id, long timestamp, byte[] body) {
        Objects.requireNonNull(id, "'id' cannot be null.");
        Objects.requireNonNull(body, "'body' cannot be null.");
        return VERSION + Base64.getEncoder().encodeToString(hmac(key(secret), id, Long.toString(timestamp), body));
    }

    /**
     * Whether {@code signatureHeader} holds a valid {@code v1} signature of this request. The header
     * may hold several space-separated signatures (during a key rotation); one match is enough.
     * Missing headers verify as {@code false}.
     *
     * @throws IllegalArgumentException when the secret is not valid
     */
    public static boolean verify(String secret, String id, String timestamp, String signatureHeader, byte[] body) {
        byte[] key = key(secret);
        Objects.requireNonNull(body, "'body' cannot be null.");
        if (id == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        byte[] expected = hmac(key, id, timestamp, body);
        boolean match = false;
        for (String entry : signatureHeader.trim().split(" +")) {
            if (!entry.startsWith(VERSION)) {
                continue;
            }
            byte[] candidate;
            try {
                candidate = Base64.getDecoder().decode(entry.substring(VERSION.length()));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            // No early exit, so the time taken does not tell which entry matched.
            match |= MessageDigest.isEqual(expected, candidate);
        }
        return match;
    }

    /**
     * Checks a secret without using it.
     *
     * @throws IllegalArgumentException when the secret is not valid; the message never holds the secret
     */
    public static void validateSecret(String secret) {
        key(secret);
    }

    private static byte[] key(String secret) {
        Objects.requireNonNull(secret, "'secret' cannot be null.");
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            // Not chained: the decoder's message quotes a character of the secret.
            throw new IllegalArgumentException(INVALID_SECRET);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException(INVALID_SECRET);
        }
        return key;
    }

    private static byte[] hmac(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is required of every Java platform.
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
