package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.queueworker.ai.AiHandlers;
import dev.queueworker.ai.AiSettings;
import dev.queueworker.api.DocumentNotFoundException;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.InvalidTaskMessageException;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskMessage;
import dev.queueworker.test.TestTaskContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/message.schema.json against the worker: the schema is valid JSON Schema 2020-12; its examples
 * and the messages shown in docs/messages.md pass it and are accepted by {@link TaskMessage} (which the
 * engine reads bodies with) and the built-in handlers; and for a set of good and bad messages the schema
 * and the worker agree. "The worker accepts" means: {@link TaskMessage#parse} reads it, and for
 * {@code ingest}/{@code summarize} the real handler gets past its payload checks to looking the document
 * up (an empty store: not found) — and the handler's {@link TaskHandler#validate}, which
 * {@code queue-worker submit} asks, gives the same verdict.
 */
class MessageSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static Path repoRoot;
    private static Schema schema;
    private static AiHandlers ai;

    @BeforeAll
    static void load() throws Exception {
        repoRoot = RepositoryFiles.root("docs/message.schema.json");
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        schema = registry.getSchema(Files.readString(repoRoot.resolve("docs/message.schema.json")));
        // The local model and a file store under a temporary directory: no service needed.
        ai = AiHandlers.create(AiSettings.builder().dataDir(dataDir).build());
    }

    @AfterAll
    static void close() {
        if (ai != null) {
            ai.close();
        }
    }

    @Test
    void schemaIsValidJsonSchema202012() throws Exception {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema meta = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        JsonNode document = JSON.readTree(repoRoot.resolve("docs/message.schema.json").toFile());
        assertThat(meta.validate(document)).as("docs/message.schema.json against the 2020-12 meta-schema").isEmpty();
        assertThat(document.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void documentedExamplesPassTheSchemaAndTheWorker() throws Exception {
        List<String> examples = new ArrayList<>();
        JSON.readTree(repoRoot.resolve("docs/message.schema.json").toFile()).get("examples")
                .forEach(e -> examples.add(e.toString()));
        examples.addAll(messagesInMessagesDoc());
        assertThat(examples).as("examples in the schema and docs/messages.md").hasSizeGreaterThanOrEqualTo(8);
        for (String example : examples) {
            assertThat(schemaErrors(example)).as("schema errors of %s", example).isEmpty();
            assertThat(workerVerdict(example)).as("the worker's verdict on %s", example).isEqualTo("accepted");
            String base64 = Base64.getEncoder().encodeToString(example.getBytes(StandardCharsets.UTF_8));
            assertThat(workerVerdict(base64)).as("the worker's verdict on the Base64 of %s", example)
                    .isEqualTo("accepted");
        }
    }

    static Stream<Arguments> messages() {
        String ok = "\"payload\": {\"filename\": \"a.pdf\", \"document_set\": \"s\"";
        return Stream.of(
                good("{\"task_type\": \"ingest\", " + ok + "}}"),
                good("{\"task_id\": null, \"task_type\": \"ocr\", \"payload\": null, \"webhook_url\": null}"),
                good("{\"task_type\": \"ocr\"}"),
                good("{\"task_type\": \"a.b_c-1\", \"extra\": [1, 2]}"),
                good("{\"task_type\": \"ocr\", \"webhook_url\": \"HTTPS://app.example:8443/hook?x=1\"}"),
                good("{\"task_type\": \"ingest\", " + ok + ", \"metadata\": {\"k.1\": \"v\", \"n\": 2.5, \"b\": false}}}"),
                good("{\"task_type\": \"ingest\", " + ok + ", \"blob_name\": \"up/2026/a.pdf\"}}"),
                good("{\"task_type\": \"summarize\", " + ok + ", \"max_words\": 10, \"instructions\": \"a\\nb\\tc\"}}"),
                good("{\"task_type\": \"summarize\", " + ok + ", \"max_words\": null}}"),
                bad("[]"),
                bad("{\"task_id\": \"t\"}"),
                bad("{\"task_type\": \"\"}"),
                bad("{\"task_type\": \"Ingest\"}"),
                bad("{\"task_type\": \"-x\"}"),
                bad("{\"task_type\": \"" + "a".repeat(65) + "\"}"),
                bad("{\"task_type\": 7}"),
                bad("{\"task_type\": \"ocr\", \"task_id\": 42}"),
                bad("{\"task_type\": \"ocr\", \"task_id\": \"  \"}"),
                bad("{\"task_type\": \"ocr\", \"task_id\": \"a\\u0001b\"}"),
                bad("{\"task_type\": \"ocr\", \"task_id\": \"" + "t".repeat(257) + "\"}"),
                bad("{\"task_type\": \"ocr\", \"payload\": [1]}"),
                bad("{\"task_type\": \"ocr\", \"payload\": \"text\"}"),
                bad("{\"task_type\": \"ocr\", \"webhook_url\": \"ftp://app.example/x\"}"),
                bad("{\"task_type\": \"ocr\", \"webhook_url\": \"/relative\"}"),
                bad("{\"task_type\": \"ocr\", \"webhook_url\": 5}"),
                bad("{\"task_type\": \"ingest\"}"),
                bad("{\"task_type\": \"ingest\", \"payload\": {\"filename\": \"a.pdf\"}}"),
                bad("{\"task_type\": \"ingest\", \"payload\": {\"filename\": \"" + "f".repeat(256) + "\", \"document_set\": \"s\"}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"blob_name\": \"../etc/passwd\"}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"blob_name\": \"/abs\"}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"blob_name\": \"a//b\"}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"blob_name\": \"a\\\\b\"}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"metadata\": {\"filename\": \"x\"}}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"metadata\": {\"bad key\": \"x\"}}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"metadata\": {\"k\": {\"nested\": 1}}}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"metadata\": {\"k\": \"" + "v".repeat(2001) + "\"}}}"),
                bad("{\"task_type\": \"ingest\", " + ok + ", \"metadata\": [1]}}"),
                bad("{\"task_type\": \"summarize\", " + ok + ", \"max_words\": 9}}"),
                bad("{\"task_type\": \"summarize\", " + ok + ", \"max_words\": 5001}}"),
                bad("{\"task_type\": \"summarize\", " + ok + ", \"max_words\": \"100\"}}"),
                bad("{\"task_type\": \"summarize\", " + ok + ", \"instructions\": \"a\\u0007\"}}"),
                bad("{\"task_type\": \"summarize\", " + ok + ", \"instructions\": \"" + "i".repeat(2001) + "\"}}"));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void schemaAndWorkerAgree(String body, boolean valid) throws Exception {
        List<String> errors = schemaErrors(body);
        assertThat(errors.isEmpty()).as("the schema accepts %s (errors: %s)", body, errors).isEqualTo(valid);
        assertThat(workerVerdict(body)).as("the worker's verdict on %s", body)
                .isEqualTo(valid ? "accepted" : "rejected");
    }

    @Test
    void theWorkersOwnTypesAreNotForProducers() throws Exception {
        assertThat(schemaErrors("{\"task_type\": \"queue-worker.webhook\", \"payload\": {}}")).isNotEmpty();
        assertThat(schemaErrors("{\"task_type\": \"queue-worker.other\"}")).isNotEmpty();
        assertThat(schemaErrors("{\"task_type\": \"queue-workers\"}")).isEmpty();
        assertThat(JSON.readTree(repoRoot.resolve("docs/message.schema.json").toFile()).at("/properties/task_type/not/pattern")
                .asText()).isEqualTo("^" + TaskMessage.RESERVED_TYPE_PREFIX.replace(".", "\\."));
    }

    @Test
    void theSchemasLimitsAreTaskMessagesLimits() throws Exception {
        JsonNode properties = JSON.readTree(repoRoot.resolve("docs/message.schema.json").toFile()).get("properties");
        assertThat(properties.at("/task_type/pattern").asText()).isEqualTo("^" + TaskMessage.TASK_TYPE_REGEX + "$");
        assertThat(properties.at("/task_id/oneOf/0/maxLength").asInt()).isEqualTo(TaskMessage.MAX_TASK_ID_LENGTH);
        assertThat(properties.at("/webhook_url/oneOf/0/maxLength").asInt()).isEqualTo(TaskMessage.MAX_WEBHOOK_URL_LENGTH);
    }

    @Test
    void aBodyThatIsNeitherJsonNorBase64IsRejectedNamingTheBody() {
        assertThatThrownBy(() -> decode("not json")).isInstanceOf(InvalidTaskMessageException.class)
                .hasMessageStartingWith("body: ");
    }

    // ---- helpers ----

    private static Arguments good(String body) {
        return Arguments.of(body, true);
    }

    private static Arguments bad(String body) {
        return Arguments.of(body, false);
    }

    private static List<String> schemaErrors(String body) throws Exception {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return List.of("not JSON");
        }
        return schema.validate(node).stream().map(Error::toString).toList();
    }

    private static TaskMessage decode(String body) {
        return TaskMessage.parse(body, 65_536);
    }

    /** "accepted" or "rejected", as the worker would treat the message. */
    private static String workerVerdict(String body) throws Exception {
        TaskMessage decoded;
        try {
            decoded = decode(body);
        } catch (InvalidTaskMessageException e) {
            return "rejected";
        }
        TaskHandler handler = switch (decoded.taskType()) {
            case "ingest" -> ai.ingest();
            case "summarize" -> ai.summarize();
            default -> null;
        };
        if (handler == null) {
            return "accepted"; // a plugin's type: the payload is the plugin's business
        }
        Task task = decoded.toTask("message-1", 1, Instant.EPOCH, null);
        String verdict;
        try {
            handler.handle(task, new TestTaskContext());
            throw new AssertionError("the handler found a document in an empty store");
        } catch (DocumentNotFoundException e) {
            verdict = "accepted"; // every payload check passed; only the document is missing
        } catch (InvalidTaskException e) {
            verdict = "rejected";
        }
        String validated;
        try {
            handler.validate(task);
            validated = "accepted";
        } catch (InvalidTaskException e) {
            validated = "rejected";
        }
        assertThat(validated).as("validate(task), as submit asks it, agrees with handle for %s", body)
                .isEqualTo(verdict);
        return verdict;
    }

    /** The JSON code blocks of docs/messages.md that are whole messages (they have a task_type). */
    private static List<String> messagesInMessagesDoc() throws Exception {
        String doc = Files.readString(repoRoot.resolve("docs/messages.md"));
        Matcher block = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> messages = new ArrayList<>();
        while (block.find()) {
            JsonNode node = JSON.readTree(block.group(1));
            if (node.isObject() && node.has("task_type")) {
                messages.add(node.toString());
            }
        }
        return messages;
    }
}
