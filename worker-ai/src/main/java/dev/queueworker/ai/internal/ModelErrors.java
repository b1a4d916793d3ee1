package dev.queueworker.ai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.queueworker.ai.internal.budget.BudgetExceededException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.api.RetryableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps the exceptions of LangChain4j's model clients onto queue-worker's retryable/permanent tree.
 *
 * <p>Rate limits (429, and a call that gave up waiting for its key's budget), server errors (5xx), 408, timeouts, lost or refused connections and
 * interruptions are {@link RetryableException}s: the task runs again after a backoff. A rejected
 * request (400 and other 4xx), failed authentication (401), denied access (403) and an unknown
 * model or URL (404) are {@link PermanentException}s: retrying cannot fix them. The HTTP status and
 * the service's error code are kept on the result; messages name the model ({@code what}) and
 * quote the service's own message with anything resembling an API key removed.
 */
public final class ModelErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRET = Pattern.compile(
            "(?i)(bearer\\s+\\S+|\\bsk-[A-Za-z0-9*_\\-]+|api[-_ ]?key[=:]\\s*\\S+)");
    private static final int MAX_SERVICE_MESSAGE = 300;

    private ModelErrors() {}

    /**
     * Translates a model client's failure.
     *
     * @param e what the client threw
     * @param what the model, as a reader would call it, such as {@code "embedding model"}
     * @return a {@link RetryableException} or a {@link PermanentException} (or {@code e} itself when it
     *     already is one of queue-worker's exceptions)
     */
    public static RuntimeException translate(RuntimeException e, String what) {
        if (e instanceof QueueWorkerException) {
            return e;
        }
        BudgetExceededException budget = find(e, BudgetExceededException.class);
        if (budget != null) {
            return new RetryableException(what + ": rate limited (429): " + clean(budget.getMessage()), e, 429,
                    budget.cancelled() ? "cancelled" : "rate_limit_wait_exceeded");
        }
        HttpException http = find(e, HttpException.class);
        if (http != null) {
            return fromStatus(e, what, http.statusCode(), http.getMessage());
        }
        if (find(e, TimeoutException.class) != null || find(e, HttpTimeoutException.class) != null
                || find(e, SocketTimeoutException.class) != null
                || find(e, java.util.concurrent.TimeoutException.class) != null) {
            return new RetryableException(what + ": timed out waiting for the model server", e);
        }
        if (find(e, InterruptedException.class) != null
                || (find(e, InterruptedIOException.class) != null && Thread.currentThread().isInterrupted())) {
            return new RetryableException(what + ": the call was interrupted", e);
        }
        if (find(e, UnresolvedModelServerException.class) != null || find(e, UnresolvedAddressException.class) != null
                || find(e, UnknownHostException.class) != null) {
            return new RetryableException(what + ": cannot resolve the model server's host name", e);
        }
        if (find(e, ConnectException.class) != null) {
            return new RetryableException(what + ": cannot connect to the model server (connection refused)", e);
        }
        if (find(e, IOException.class) != null) {
            return new RetryableException(what + ": connection to the model server failed: "
                    + clean(find(e, IOException.class).toString()), e);
        }
        // Typed exceptions without an HttpException cause: map by kind.
        if (e instanceof RateLimitException) {
            return new RetryableException(what + ": rate limited (429): " + clean(e.getMessage()), e, 429, null);
        }
        if (e instanceof InternalServerException) {
            return new RetryableException(what + ": server error: " + clean(e.getMessage()), e);
        }
        if (e instanceof AuthenticationException) {
            return new PermanentException(what + ": authentication failed: " + clean(e.getMessage()), e);
        }
        if (e instanceof ModelNotFoundException) {
            return new PermanentException(what + ": model not found: " + clean(e.getMessage()), e);
        }
        if (e instanceof InvalidRequestException) {
            return new PermanentException(what + ": request rejected: " + clean(e.getMessage()), e);
        }
        if (e instanceof NonRetriableException) {
            return new PermanentException(what + ": " + clean(e.getMessage()), e);
        }
        if (e instanceof RetriableException) {
            return new RetryableException(what + ": " + clean(e.getMessage()), e);
        }
        return new RetryableException(what + ": unexpected failure: " + clean(e.toString()), e);
    }

    private static RuntimeException fromStatus(RuntimeException e, String what, int status, String body) {
        ServiceError error = parse(body);
        String detail = error.message() == null ? "" : ": " + error.message();
        String code = error.code();
        if (status == 429) {
            return new RetryableException(what + ": rate limited (429)" + detail, e, status, code);
        }
        if (status == 408) {
            return new RetryableException(what + ": timed out (408)" + detail, e, status, code);
        }
        if (status >= 500) {
            return new RetryableException(what + ": server error (" + status + ")" + detail, e, status, code);
        }
        if (status == 401) {
            return new PermanentException(what + ": authentication failed (401), check the API key" + detail,
                    e, status, code);
        }
        if (status == 403) {
            return new PermanentException(what + ": access denied (403)" + detail, e, status, code);
        }
        if (status == 404) {
            return new PermanentException(what + ": not found (404), check the model name and base URL" + detail,
                    e, status, code);
        }
        if (status >= 400) {
            return new PermanentException(what + ": request rejected (" + status + ")" + detail, e, status, code);
        }
        return new RetryableException(what + ": unexpected HTTP status " + status + detail, e, status, code);
    }

    private record ServiceError(String message, String code) {}

    /** OpenAI's {@code {"error":{"message":…,"type":…,"code":…}}}, or the raw body when it is not that. */
    private static ServiceError parse(String body) {
        if (body == null || body.isBlank()) {
            return new ServiceError(null, null);
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isObject()) {
                String code = error.path("code").isValueNode() && !error.path("code").isNull()
                        ? error.path("code").asText()
                        : error.path("type").isTextual() ? error.path("type").asText() : null;
                String message = error.path("message").isTextual() ? clean(error.path("message").asText()) : null;
                return new ServiceError(message, code);
            }
            if (error.isTextual()) {
                return new ServiceError(clean(error.asText()), null);
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through: quote the body itself
        }
        return new ServiceError(clean(body), null);
    }

    /** Removes anything resembling a key and bounds the length. */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        String cleaned = SECRET.matcher(text.strip()).replaceAll("[redacted]").replaceAll("\\s+", " ");
        return cleaned.length() <= MAX_SERVICE_MESSAGE ? cleaned : cleaned.substring(0, MAX_SERVICE_MESSAGE) + "…";
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
