package dev.queueworker.runner.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.test.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The message and document name {@code submit} makes, and its usage errors, without any service. */
class SubmitterTest {

    @TempDir
    Path dir;

    private RunnerConfig config(Map<String, String> extra) {
        java.util.Map<String, String> env = new java.util.HashMap<>(Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true", "CLIENT_ID", "southhaven"));
        env.putAll(extra);
        return RunnerConfig.load(env, dir, null);
    }

    @Test
    void builds_the_design_message_and_names_the_blob_with_the_template() throws Exception {
        Files.writeString(dir.resolve("report.txt"), "hello");
        Submitter.Prepared prepared = Submitter.prepare(config(Map.of("BLOB_NAME_TEMPLATE", "{document_set}/{filename}")),
                new Submitter.Request("ingest", Path.of("report.txt"), "policies", "https://app.example/hook",
                        "{\"max_words\": 200}", "task-1"), dir);

        JsonNode message = new ObjectMapper().readTree(prepared.message().toJson());
        assertThat(message.get("task_id").asText()).isEqualTo("task-1");
        assertThat(message.get("task_type").asText()).isEqualTo("ingest");
        assertThat(message.get("webhook_url").asText()).isEqualTo("https://app.example/hook");
        assertThat(message.get("payload")).isEqualTo(new ObjectMapper().readTree(
                "{\"filename\":\"report.txt\",\"document_set\":\"policies\",\"max_words\":200}"));
        assertThat(prepared.documentName()).isEqualTo("policies/report.txt");
    }

    @Test
    void a_payload_only_task_gets_a_random_uuid_and_no_document() throws Exception {
        Submitter.Prepared prepared = Submitter.prepare(config(Map.of()),
                new Submitter.Request("noop", null, null, null, "{\"n\": 1}", null), dir);

        JsonNode message = new ObjectMapper().readTree(prepared.message().toJson());
        assertThat(message.get("task_id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(message.has("webhook_url")).isFalse();
        assertThat(prepared.documentName()).isNull();

        // A task that needs nothing at all: an empty payload object.
        JsonNode empty = new ObjectMapper().readTree(Submitter.prepare(config(Map.of()),
                new Submitter.Request("cleanup", null, null, null, "{}", null), dir).message().toJson());
        assertThat(empty.get("payload").isObject()).isTrue();
        assertThat(empty.get("payload").size()).isZero();
    }

    @Test
    void usage_errors_name_the_option() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a");
        RunnerConfig config = config(Map.of("BLOB_NAME_TEMPLATE", "{document_set}/{filename}"));
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("ingest", Path.of("missing.pdf"), "s", null, null, null), dir))
                .isInstanceOf(UsageException.class).hasMessage("--file missing.pdf: no such file");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("ingest", Path.of("a.txt"), "s", null, "{not json", null), dir))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("--payload is not valid JSON");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("ingest", Path.of("a.txt"), "s", null, "[1]", null), dir))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("--payload must be a JSON object");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("ingest", Path.of("a.txt"), "s", null, "{\"document_set\": \"other\"}", null), dir))
                .isInstanceOf(UsageException.class).hasMessageContaining("--document-set");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("ingest", Path.of("a.txt"), null, null, null, null), dir))
                .isInstanceOf(TaskRefusedException.class).hasMessageContaining("payload.document_set");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("Ingest!", Path.of("a.txt"), "s", null, null, null), dir))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("TYPE must be a task type");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("noop", null, null, null, null, null), dir))
                .isInstanceOf(UsageException.class).hasMessageContaining("--file").hasMessageContaining("--payload");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("noop", null, null, "ftp://x", "{\"n\": 1}", null), dir))
                .isInstanceOf(UsageException.class).hasMessageContaining("--webhook-url");
    }

    @Test
    void a_payload_the_handler_refuses_is_refused_before_anything_is_sent() {
        RunnerConfig config = config(Map.of());
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("ingest", null, "policies", null, null, null), dir))
                .isInstanceOf(TaskRefusedException.class)
                .hasMessage("the ingest handler refuses this task: payload.filename: is required (give --file);"
                        + " nothing was queued");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("summarize", null, "s", null, "{\"filename\": \"a.txt\", \"max_words\": 9}", null), dir))
                .isInstanceOf(TaskRefusedException.class).hasMessageContaining("payload.max_words: must be 10 to 5000, was 9");
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("queue-worker.webhook", null, null, null, "{}", null), dir))
                .isInstanceOf(UsageException.class).hasMessageContaining("reserved");
    }

    @Test
    void a_type_no_handler_here_knows_is_sent_with_a_note() {
        Submitter.Prepared prepared = Submitter.prepare(config(Map.of()),
                new Submitter.Request("translate", null, null, null, "{\"text\": \"hello\"}", "t-1"), dir);
        assertThat(prepared.notes()).singleElement().asString().contains("no translate handler is installed here");
    }

    @Test
    void a_plugins_own_validate_is_asked_before_sending() {
        Path plugins = dir.resolve("plugins");
        PluginJar.build(plugins.resolve("translate.jar"), "example.plugin.TranslateHandler", """
                package example.plugin;
                import dev.queueworker.api.*;
                public final class TranslateHandler implements TaskHandler {
                    public String taskType() { return "translate"; }
                    public void validate(Task task) {
                        String to = task.requireString("to");
                        if (!to.matches("[a-z]{2}")) {
                            throw new InvalidTaskException("payload.to", "must be a two-letter language code, was '" + to + "'");
                        }
                    }
                    public TaskResult handle(Task task, TaskContext context) {
                        validate(task);
                        return TaskResult.empty();
                    }
                }
                """);
        RunnerConfig config = config(Map.of("WORKER_PLUGINS_DIR", plugins.toString()));

        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("translate", null, null, null, "{\"text\": \"hi\", \"to\": \"French\"}", null), dir))
                .isInstanceOf(TaskRefusedException.class)
                .hasMessage("the translate handler refuses this task: payload.to: must be a two-letter language code,"
                        + " was 'French' (set by --file, --document-set or --payload); nothing was queued");
        Submitter.Prepared ok = Submitter.prepare(config,
                new Submitter.Request("translate", null, null, null, "{\"text\": \"hi\", \"to\": \"fr\"}", null), dir);
        assertThat(ok.notes()).isEmpty();
    }

    @Test
    void a_webhook_url_the_webhook_policy_refuses_is_refused_as_check_does() {
        RunnerConfig config = config(Map.of());
        assertThatThrownBy(() -> Submitter.prepare(config,
                new Submitter.Request("noop", null, null, "http://169.254.169.254/latest/meta-data?token=x", "{}", null), dir))
                .isInstanceOf(TaskRefusedException.class)
                .hasMessageStartingWith("--webhook-url http://169.254.169.254/latest/meta-data: ")
                .hasMessageContaining("the worker would refuse to send the outcome there; nothing was queued")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("token=x"));
        RunnerConfig allowList = config(Map.of("WEBHOOK_ALLOWED_HOSTS", "app.example"));
        assertThatThrownBy(() -> Submitter.prepare(allowList,
                new Submitter.Request("noop", null, null, "http://127.0.0.1:9/hook", "{}", null), dir))
                .isInstanceOf(TaskRefusedException.class).hasMessageContaining("WEBHOOK_ALLOWED_HOSTS");
        assertThat(Submitter.prepare(config,
                new Submitter.Request("noop", null, null, "http://127.0.0.1:9/hook", "{}", null), dir).message()
                .webhookUrl()).isEqualTo("http://127.0.0.1:9/hook");
    }

    @Test
    void the_cli_refuses_such_a_task_in_one_line_with_exit_2() throws Exception {
        AdminCli.Run run = AdminCli.run(Map.of("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"), dir,
                "submit", "ingest", "--document-set", "policies");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("queue-worker: the ingest handler refuses this task:"
                + " payload.filename: is required (give --file); nothing was queued");
        assertThat(run.out()).isEmpty();

        AdminCli.Run meta = AdminCli.run(Map.of("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"), dir,
                "submit", "noop", "--payload", "{}", "--webhook-url", "http://169.254.169.254/");
        assertThat(meta.exitCode()).as(meta.toString()).isEqualTo(2);
        assertThat(meta.err().strip().lines().count()).as(meta.err()).isEqualTo(1);
        assertThat(meta.err().strip()).isEqualTo("queue-worker: --webhook-url http://169.254.169.254/: 169.254.169.254"
                + " is a link-local/cloud-metadata address; the worker would refuse to send the outcome there;"
                + " nothing was queued");

        AdminCli.Run both = AdminCli.run(Map.of("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"), dir,
                "submit", "noop", "--raw", "{}");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--raw takes the whole body");
        AdminCli.Run none = AdminCli.run(Map.of("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"), dir,
                "submit");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("give TYPE");
    }

    @Test
    void the_cli_exits_2_for_usage_errors_and_for_the_mock_queue() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a");
        AdminCli.Run json = AdminCli.run(Map.of("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"), dir,
                "submit", "ingest", "--file", "a.txt", "--document-set", "s", "--payload", "{oops");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(2);
        assertThat(json.err()).contains("--payload is not valid JSON");
        assertThat(json.out()).isEmpty();

        AdminCli.Run mock = AdminCli.run(Map.of("QUEUE_PROVIDER", "mock"), dir,
                "submit", "ingest", "--file", "a.txt", "--document-set", "s");
        assertThat(mock.exitCode()).isEqualTo(2);
        assertThat(mock.err().strip()).isEqualTo("queue-worker: configuration error: submit needs a shared queue;"
                + " QUEUE_PROVIDER=mock lives inside one process");

        AdminCli.Run poison = AdminCli.run(Map.of("QUEUE_PROVIDER", "mock"), dir, "poison", "list");
        assertThat(poison.exitCode()).isEqualTo(2);
        assertThat(poison.err()).contains("poison needs a shared queue");

        AdminCli.Run purge = AdminCli.run(Map.of("QUEUE_PROVIDER", "mock"), dir, "poison", "purge");
        assertThat(purge.exitCode()).isEqualTo(2);
        assertThat(purge.err()).contains("add --yes");
    }
}
