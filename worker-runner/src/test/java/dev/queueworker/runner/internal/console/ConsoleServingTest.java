package dev.queueworker.runner.internal.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.runner.internal.http.HttpEndpoints;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's access rules over a real loopback HTTP listener (the browser test covers the page). */
class ConsoleServingTest {

    static final String TOKEN = "a-console-token-of-24-chars";
    static final MediaType JSON = MediaType.get("application/json");

    @TempDir
    Path dir;

    final OkHttpClient http = new OkHttpClient();
    Console console;
    HttpEndpoints endpoints;

    Console console(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_PROVIDER", "mock", "WORKER_DATA_DIR", dir.toString()));
        env.putAll(extra);
        console = Console.create(RunnerConfig.load(env, dir, null), http);
        console.attach(new InMemoryQueueProvider());
        return console;
    }

    String start(Map<String, String> extra) throws IOException {
        endpoints = HttpEndpoints.start("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> null, console(extra));
        return "http://127.0.0.1:" + endpoints.port();
    }

    @AfterEach
    void stop() {
        if (endpoints != null) {
            endpoints.close();
        }
        if (console != null) {
            console.close();
        }
    }

    String call(Request request) throws IOException {
        try (Response r = http.newCall(request).execute()) {
            return r.code() + " " + r.body().string();
        }
    }

    Request.Builder action(String base, String route, String body) {
        return new Request.Builder().url(base + "/console/api/" + route).post(RequestBody.create(body, JSON))
                .header("X-Queue-Worker-Console", "1");
    }

    @Test
    void aNonLoopbackBindWithoutATokenServesNoConsoleAndSaysSoInOneLine() {
        Console c = console(Map.of());
        assertThat(c.handlerFor("0.0.0.0")).isNull();
        assertThat(c.handlerFor("127.0.0.1")).isNotNull();
        assertThat(c.startupLine("0.0.0.0", 8080)).isEqualTo("Console: not served on 0.0.0.0 (not loopback) without"
                + " WORKER_CONSOLE_TOKEN; /health and /metrics are");
        c.close();
        console = console(Map.of("WORKER_CONSOLE_TOKEN", TOKEN));
        assertThat(console.handlerFor("0.0.0.0")).isNotNull();
        assertThat(console.startupLine("0.0.0.0", 8080)).isEqualTo("Console: http://0.0.0.0:8080/ (token required)");
    }

    @Test
    void loopbackModeServesThePageWithAStrictPolicyAndRefusesRebindingAndCrossSiteActions() throws IOException {
        String base = start(Map.of());
        try (Response page = http.newCall(new Request.Builder().url(base + "/").build()).execute()) {
            assertThat(page.code()).isEqualTo(200);
            assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'", "style-src 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.body().string()).doesNotContain("<script>", "style=", "onclick");
        }
        assertThat(call(new Request.Builder().url(base + "/console/api/overview").build())).startsWith("200 ");
        assertThat(call(new Request.Builder().url(base + "/console/api/overview").header("Host", "evil.example:80").build()))
                .startsWith("403 ");
        assertThat(call(new Request.Builder().url(base + "/console/api/poison/delete-matching")
                .post(RequestBody.create("{}", JSON)).build())).startsWith("403 ").contains("header");
        assertThat(call(action(base, "poison/delete-matching", "{}").header("Origin", "http://evil.example").build()))
                .startsWith("403 {\"error\":\"cross-origin");
        assertThat(call(action(base, "poison/delete-matching", "{}").header("Sec-Fetch-Site", "cross-site").build()))
                .startsWith("403 {\"error\":\"cross-site");
        // Past the checks: the action runs (on the mock queue's empty poison queue).
        assertThat(call(action(base, "poison/delete-matching", "{}").build())).isEqualTo("200 {\"count\":0}");
        assertThat(call(new Request.Builder().url(base + "/console/assets/../../etc/passwd").build())).startsWith("404");
        assertThat(call(new Request.Builder().url(base + "/health/live").build())).isEqualTo("200 live\n");
    }

    @Test
    void tokenModeNeedsTheTokenByBearerOrSessionCookie() throws IOException {
        String base = start(Map.of("WORKER_CONSOLE_TOKEN", TOKEN));
        Request overview = new Request.Builder().url(base + "/console/api/overview").build();
        assertThat(call(overview)).startsWith("401 ");
        assertThat(call(overview.newBuilder().header("Authorization", "Bearer " + TOKEN).build())).startsWith("200 ")
                .doesNotContain(TOKEN);
        assertThat(call(action(base, "login", "{\"token\": \"wrong-token-000000000\"}").build())).startsWith("401 ");
        String cookie;
        try (Response login = http.newCall(action(base, "login", "{\"token\": \"" + TOKEN + "\"}").build()).execute()) {
            assertThat(login.code()).isEqualTo(200);
            cookie = login.header("Set-Cookie");
        }
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict").doesNotContain(TOKEN);
        assertThat(call(overview.newBuilder().header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build()))
                .startsWith("200 ");
        assertThat(call(overview.newBuilder().header("Cookie", "qw_console=forged").build())).startsWith("401 ");
    }

    @Test
    void readOnlyModeRefusesEveryAction() throws IOException {
        String base = start(Map.of("WORKER_CONSOLE_READ_ONLY", "true"));
        assertThat(call(action(base, "poison/requeue-matching", "{}").build())).startsWith("403 ").contains("read-only");
        assertThat(call(action(base, "submit", "{\"type\": \"ingest\"}").build())).startsWith("403 ").contains("read-only");
        assertThat(call(new Request.Builder().url(base + "/console/api/session").build())).contains("\"readOnly\":true");
    }
}
