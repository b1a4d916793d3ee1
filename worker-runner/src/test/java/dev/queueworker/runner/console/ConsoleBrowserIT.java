package dev.queueworker.runner.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import dev.queueworker.test.Azurite;
import dev.queueworker.test.PluginJar;
import dev.queueworker.test.QueueWorkerProcess;
import dev.queueworker.test.RecordingWebhookReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console in a real browser (headless chromium) against the real daemon on Azurite: the daemon
 * runs a plugin type {@code slow} that reports progress in ten steps and fails permanently while a
 * file it {@code needs} is missing. The tests run in order on one daemon, as an operator would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    static final String CLIENT = "consoleit";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String TOKEN = "console-token-3f9a1c07b2d4e8f6";
    static final Duration DEADLINE = Duration.ofMinutes(2);

    Path work;
    Azurite azurite;
    RecordingWebhookReceiver receiver;
    QueueWorkerProcess daemon;
    Browser browser;
    Map<String, String> env;
    String base;
    Path flag;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("console-it-");
        flag = work.resolve("needs-flag-marker");
        azurite = Azurite.start();
        receiver = RecordingWebhookReceiver.start(SECRET);
        Path plugins = work.resolve("plugins");
        PluginJar.build(plugins.resolve("slow.jar"), "example.SlowHandler", """
                package example;
                import dev.queueworker.api.*;
                import java.nio.file.*;
                public final class SlowHandler implements TaskHandler {
                    public String taskType() { return "slow"; }
                    public TaskResult handle(Task task, TaskContext context) throws Exception {
                        String needs = task.optionalString("needs").orElse(null);
                        if (needs != null && !Files.exists(Path.of(needs))) {
                            throw new PermanentException("missing " + needs);
                        }
                        long ms = task.optionalLong("ms").orElse(1000);
                        for (int i = 1; i <= 10; i++) {
                            Thread.sleep(ms / 10); // the work itself
                            context.throwIfCancelled();
                            context.reportProgress(i / 10.0, "step " + i + " of 10");
                        }
                        var data = TaskResult.newData();
                        data.put("steps", 10);
                        return TaskResult.of(data);
                    }
                }
                """);
        env = new HashMap<>();
        env.put("CLIENT_ID", CLIENT);
        env.put("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("WEBHOOK_SECRET", SECRET);
        env.put("WORKER_TASK_TYPES", "slow");
        env.put("WORKER_PLUGINS_DIR", plugins.toString());
        env.put("WORKER_CONCURRENCY", "4");
        env.put("WORKER_POLLING_INTERVAL", "1s");
        env.put("WORKER_SHUTDOWN_TIMEOUT", "5s");
        int port = freePort();
        env.put("WORKER_HTTP_PORT", Integer.toString(port));
        env.put("WORKER_DATA_DIR", work.resolve("data").toString());
        daemon = QueueWorkerProcess.start(work, env, "384m", "run");
        daemon.awaitOutput("queue-worker ready", DEADLINE);
        assertThat(daemon.output()).contains("Console: http://127.0.0.1:" + port + "/ (loopback only)");
        base = "http://127.0.0.1:" + port;
        browser = new Browser(Path.of(System.getProperty("console.screenshots", "target/console-screenshots")));
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        receiver.close();
        azurite.close();
    }

    @Test
    @Order(1)
    void overviewChartsTheDepthAndRecentListsTwentySubmittedTasks() throws IOException {
        browser.open(base + "/#overview");
        browser.until(d -> !d.findElements(By.cssSelector("#chart-depth canvas")).isEmpty());
        assertThat(browser.findAll("#configuration li")).anyMatch(t -> t.contains("CLIENT_ID=" + CLIENT))
                .anyMatch(t -> t.contains("AZURE_STORAGE_CONNECTION_STRING=<set, not shown>"))
                .noneMatch(t -> t.contains("AccountKey"));
        assertThat(browser.driver.getPageSource()).doesNotContain(SECRET.substring(6));

        browser.page("submit");
        String previous = "";
        for (int i = 0; i < 20; i++) {
            fill("submit-type", "slow");
            fill("submit-payload", "{\"ms\": 3000, \"n\": " + i + "}");
            fill("submit-webhook", receiver.url());
            browser.byId("submit-form").findElement(By.cssSelector("button")).click();
            String before = previous;
            previous = browser.until(d -> {
                String id = d.findElement(By.id("submit-result")).getAttribute("data-task-id");
                return id != null && !id.equals(before) ? id : null;
            });
        }
        browser.screenshot("submit");

        browser.page("overview");
        browser.until(d -> number(d.findElement(By.id("chart-depth")).getAttribute("data-last")) > 0);
        browser.until(d -> number(d.findElement(By.id("card-depth")).getText()) > 0);
        browser.screenshot("overview-busy");

        browser.page("recent");
        browser.until(d -> d.findElements(By.cssSelector("#recent-rows td.status-completed")).size() >= 20);
        assertThat(browser.text("recent-rows")).contains("slow", "steps");
        browser.page("overview");
        browser.until(d -> number(d.findElement(By.id("card-depth")).getText()) == 0);
        browser.until(d -> number(d.findElement(By.id("card-hour")).getText()) >= 20);
        browser.screenshot("overview");
        browser.page("recent");
        browser.screenshot("recent");
    }

    @Test
    @Order(2)
    void aLongTaskShowsInFlightWithItsProgress() throws IOException {
        browser.page("submit");
        String previous = browser.byId("submit-result").getAttribute("data-task-id");
        fill("submit-type", "slow");
        fill("submit-payload", "{\"ms\": 20000, \"filename\": \"long-report.pdf\"}");
        fill("submit-webhook", receiver.url());
        browser.byId("submit-form").findElement(By.cssSelector("button")).click();
        String taskId = browser.until(d -> {
            String id = d.findElement(By.id("submit-result")).getAttribute("data-task-id");
            return id != null && !id.equals(previous) ? id : null;
        });
        browser.page("inflight");
        browser.until(d -> {
            String rows = d.findElement(By.id("inflight-rows")).getText();
            return rows.contains(taskId) && rows.contains("long-report.pdf") && rows.matches("(?s).*\\d+ % step \\d+ of 10.*");
        });
        assertThat(browser.findAll("#inflight-rows progress")).hasSize(1);
        browser.screenshot("inflight");
    }

    @Test
    @Order(3)
    void malformedMessagesAreFoundBySearchShownAsTextAndRequeuedWhenFixable() throws IOException {
        QueueClient tasks = new QueueClientBuilder().connectionString(azurite.connectionString())
                .queueName(CLIENT + "-tasks").buildClient();
        tasks.sendMessage("not json <script>window.__xss=1</script> marker-m1");
        tasks.sendMessage("{\"task_type\":\"nope\",\"note\":\"marker-m1\",\"payload\":"
                + "{\"x\":\"\\\"><img src=x onerror=window.__xss=2>\"}}");
        for (int i = 0; i < 3; i++) {
            tasks.sendMessage("{\"task_type\":\"slow\",\"task_id\":\"needs-" + i + "\",\"payload\":{\"ms\":4000,"
                    + "\"needs\":\"" + flag + "\"}}");
        }

        browser.page("poison");
        searchPoison("marker-m1", 2);
        String bodies = browser.text("poison-rows");
        assertThat(bodies).contains("not json <script>window.__xss=1</script> marker-m1",
                "\\\"><img src=x onerror=window.__xss=2>", "InvalidMessage");
        assertThat(browser.driver.findElements(By.cssSelector("#poison-rows img, #poison-rows script"))).isEmpty();
        assertThat(browser.driver.executeScript("return window.__xss === undefined")).isEqualTo(true);
        browser.screenshot("poison");

        searchPoison("needs-flag-marker", 3);
        long poisonBefore = poisonDepth();
        assertThat(poisonBefore).isEqualTo(5);
        Files.createFile(flag);
        browser.byId("poison-requeue-all").click();
        browser.confirm();
        browser.until(d -> d.findElement(By.id("flash")).getText().equals("Requeued 3 messages."));

        browser.page("overview");
        browser.until(d -> number(d.findElement(By.id("card-poison")).getText()) == poisonBefore - 3
                && number(d.findElement(By.id("card-depth")).getText()) >= 3);
        browser.screenshot("overview-requeued");
        browser.page("recent");
        fill("recent-text", "needs-");
        browser.byId("recent-filter").findElement(By.cssSelector("button")).click();
        browser.until(d -> d.findElements(By.cssSelector("#recent-rows td.status-completed")).size() == 3);
        assertThat(browser.text("recent-rows")).contains("needs-0", "poisoned", "missing ");
        assertThat(Files.readString(work.resolve("data").resolve("console-audit.log")))
                .contains("who=loopback@127.0.0.1 action=poison.requeue-matching query=\"needs-flag-marker\" count=3");
    }

    @Test
    @Order(4)
    void aReadOnlyTokenConsoleRefusesActionsAndTheWorkersPageShowsBothWorkers() throws Exception {
        Map<String, String> second = new HashMap<>(env);
        int port = freePort();
        second.put("WORKER_HTTP_PORT", Integer.toString(port));
        // Token mode on loopback: tests stay on loopback; ConsoleServingTest covers a non-loopback bind.
        second.put("WORKER_CONSOLE_TOKEN", TOKEN);
        second.put("WORKER_CONSOLE_READ_ONLY", "true");
        second.put("WORKER_DATA_DIR", work.resolve("data-2").toString());
        try (QueueWorkerProcess readOnly = QueueWorkerProcess.start(work, second, "384m", "run")) {
            readOnly.awaitOutput("queue-worker ready", DEADLINE);
            assertThat(readOnly.output()).contains("Console: http://127.0.0.1:" + port + "/ (token required, read-only)")
                    .doesNotContain(TOKEN);

            browser.open("http://127.0.0.1:" + port + "/#poison");
            browser.until(d -> d.findElement(By.id("login")).isDisplayed());
            browser.screenshot("login");
            fill("login-token", "wrong-token-0000000000");
            browser.byId("login-form").findElement(By.cssSelector("button")).click();
            browser.until(d -> d.findElement(By.id("flash")).getText().equals("wrong token"));
            fill("login-token", TOKEN);
            browser.byId("login-form").findElement(By.cssSelector("button")).click();
            browser.until(d -> d.findElement(By.id("page-poison")).isDisplayed());
            assertThat(browser.byId("read-only").isDisplayed()).isTrue();
            searchPoison("marker-m1", 2);
            assertThat(browser.byId("poison-requeue-all").isEnabled()).isFalse();
            assertThat(browser.byId("poison-delete-all").isEnabled()).isFalse();
            assertThat(browser.driver.findElements(By.cssSelector("#poison-rows button")))
                    .allMatch(b -> !b.isEnabled());
            Object refused = browser.driver.executeAsyncScript("""
                    var done = arguments[arguments.length - 1];
                    fetch('/console/api/poison/delete-matching', {method: 'POST', credentials: 'same-origin',
                        headers: {'Content-Type': 'application/json', 'X-Queue-Worker-Console': '1'}, body: '{"q": ""}'})
                      .then(function (r) { return r.json().then(function (j) { done(r.status + ' ' + j.error); }); });
                    """);
            assertThat(refused).asString().startsWith("403 read-only mode");
            searchPoison("marker-m1", 2);
            browser.screenshot("poison-read-only");

            browser.open(base + "/#workers");
            browser.until(d -> d.findElements(By.cssSelector("#workers-rows tr")).size() == 2);
            browser.screenshot("workers");
            readOnly.terminate();
            assertThat(readOnly.awaitExit(DEADLINE)).isZero();
        }
        browser.until(d -> {
            d.navigate().refresh();
            new org.openqa.selenium.support.ui.WebDriverWait(d, Duration.ofSeconds(15))
                    .until(x -> !x.findElements(By.cssSelector("#workers-rows tr")).isEmpty());
            return d.findElements(By.cssSelector("#workers-rows tr")).size() == 1;
        });
        assertThat(browser.text("workers-rows")).contains("(this one)");
    }

    private void searchPoison(String text, int rows) {
        browser.until(d -> {
            fill("poison-text", text);
            d.findElement(By.cssSelector("#poison-filter button[type=submit]")).click();
            return new org.openqa.selenium.support.ui.WebDriverWait(d, Duration.ofSeconds(5)).until(x -> {
                String note = x.findElement(By.id("poison-note")).getText();
                return note.startsWith("Searching") ? null : note;
            }) != null && d.findElements(By.cssSelector("#poison-rows tr")).size() == rows;
        });
    }

    private long poisonDepth() {
        String note = browser.text("poison-note");
        return Long.parseLong(note.replaceAll("^About (\\d+) .*$", "$1"));
    }

    private void fill(String id, String value) {
        WebElement field = browser.byId(id);
        field.clear();
        field.sendKeys(value);
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException | NullPointerException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
