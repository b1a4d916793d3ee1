package dev.queueworker.ai.internal.budget;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends one request and returns the response whatever its status, headers included: LangChain4j's
 * own clients throw an {@code HttpException} on a 429 that keeps only the status and body, and the
 * budget needs the headers of a 429 most.
 */
interface HttpTransport {

    /** A response of any status. */
    record Response(int status, Map<String, List<String>> headers, String body) {}

    /**
     * @throws RuntimeException as LangChain4j's JDK client does: {@link TimeoutException} on a
     *     timeout, otherwise wrapping the {@link IOException} (LangChain4j maps both)
     */
    Response send(HttpRequest request);

    /** java.net.http, as LangChain4j's default client, for requests with a string body or none. */
    static HttpTransport jdk(Duration connectTimeout, Duration readTimeout) {
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (connectTimeout != null) {
            builder.connectTimeout(connectTimeout);
        }
        HttpClient client = builder.build();
        return request -> {
            java.net.http.HttpRequest.Builder jdk = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
            request.headers().forEach((name, values) -> values.forEach(v -> jdk.header(name, v)));
            jdk.method(request.method().name(), request.body() == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
            if (readTimeout != null) {
                jdk.timeout(readTimeout);
            }
            try {
                HttpResponse<String> response = client.send(jdk.build(), HttpResponse.BodyHandlers.ofString());
                return new Response(response.statusCode(), response.headers().map(), response.body());
            } catch (HttpTimeoutException e) {
                throw new TimeoutException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException(e);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        };
    }
}
