package dev.queueworker.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.queueworker.api.InvalidTaskException;
import dev.queueworker.api.Task;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BlobNamesTest {
    private static final String BY_SET = "{document_set}/{filename}";

    @Test
    void blobNameWinsOverTheTemplate() {
        Task task = task(payload().put("blob_name", "uploads/2024/report.pdf").put("filename", "report.pdf")
                .put("document_set", "policies"));

        assertThat(BlobNames.forTask(task, BY_SET)).isEqualTo("uploads/2024/report.pdf");
    }

    @Test
    void theDefaultTemplateIsTheFilename() {
        Task task = task(payload().put("filename", "report.pdf").put("document_set", "policies"));

        assertThat(BlobNames.forTask(task, null)).isEqualTo("report.pdf");
        assertThat(BlobNames.forTask(task, BlobNames.DEFAULT_TEMPLATE)).isEqualTo("report.pdf");
    }

    @Test
    void theTemplateIsFilledFromThePayload() {
        Task task = task(payload().put("filename", "q3/report.pdf").put("document_set", "policies"));

        assertThat(BlobNames.forTask(task, BY_SET)).isEqualTo("policies/q3/report.pdf");
        assertThat(BlobNames.forTask(task, "tenants/{document_set}/in/{filename}"))
                .isEqualTo("tenants/policies/in/q3/report.pdf");
    }

    @Test
    void aValueLookingLikeAPlaceholderIsNotExpanded() {
        Task task = task(payload().put("filename", "a.pdf").put("document_set", "{filename}"));

        assertThat(BlobNames.forTask(task, BY_SET)).isEqualTo("{filename}/a.pdf");
    }

    @Test
    void onlyTheFieldsTheTemplateUsesAreRequired() {
        Task withoutSet = task(payload().put("filename", "report.pdf"));
        assertThat(BlobNames.forTask(withoutSet, "{filename}")).isEqualTo("report.pdf");

        assertThatThrownBy(() -> BlobNames.forTask(withoutSet, BY_SET))
                .isInstanceOfSatisfying(InvalidTaskException.class,
                        e -> assertThat(e.field()).isEqualTo("payload.document_set"))
                .hasMessage("payload.document_set: is required");
        assertThatThrownBy(() -> BlobNames.forTask(task(payload()), "{filename}"))
                .hasMessage("payload.filename: is required");
    }

    @Test
    void traversalInTheFilenameIsRejectedNamingTheField() {
        Task task = task(payload().put("filename", "../../etc/passwd").put("document_set", "policies"));

        assertThatThrownBy(() -> BlobNames.forTask(task, BY_SET))
                .isInstanceOfSatisfying(InvalidTaskException.class,
                        e -> assertThat(e.field()).isEqualTo("payload.filename"))
                .hasMessage("payload.filename: must not contain '.' or '..' segments");
        assertThatThrownBy(() -> BlobNames.forTask(task, null)).hasMessageStartingWith("payload.filename: ");
    }

    @Test
    void traversalInTheDocumentSetIsRejectedNamingTheField() {
        Task task = task(payload().put("filename", "a.pdf").put("document_set", ".."));

        assertThatThrownBy(() -> BlobNames.forTask(task, BY_SET))
                .isInstanceOfSatisfying(InvalidTaskException.class,
                        e -> assertThat(e.field()).isEqualTo("payload.document_set"));
    }

    @Test
    void badBlobNamesAreRejectedNamingTheField() {
        for (String bad : new String[] {"../../etc/passwd", "/etc/passwd", "a//b", "a\\b", "C:/x", "report."}) {
            Task task = task(payload().put("blob_name", bad).put("filename", "fine.pdf"));
            assertThatThrownBy(() -> BlobNames.forTask(task, null)).as(bad)
                    .isInstanceOfSatisfying(InvalidTaskException.class,
                            e -> assertThat(e.field()).isEqualTo("payload.blob_name"));
        }
    }

    @Test
    void controlCharactersAreRejected() {
        assertThatThrownBy(() -> BlobNames.forTask(task(payload().put("filename", "a\u0000b.pdf")), null))
                .isInstanceOf(InvalidTaskException.class).hasMessageStartingWith("payload.filename: ")
                .hasMessageContaining("control characters");
        assertThatThrownBy(() -> BlobNames.forTask(task(payload().put("blob_name", "a\nb")), null))
                .isInstanceOf(InvalidTaskException.class).hasMessageStartingWith("payload.blob_name: ")
                .hasMessageContaining("control characters");
    }

    @Test
    void aNameTooLongOnlyOnceFilledBlamesTheFilename() {
        Task task = task(payload().put("filename", "f".repeat(1000)).put("document_set", "s".repeat(100)));

        assertThatThrownBy(() -> BlobNames.forTask(task, BY_SET))
                .isInstanceOfSatisfying(InvalidTaskException.class,
                        e -> assertThat(e.field()).isEqualTo("payload.filename"))
                .hasMessageContaining("at most 1024 characters");
    }

    @Test
    void goodTemplatesAreAccepted() {
        assertThat(BlobNames.checkTemplate(null)).isEqualTo("{filename}");
        assertThat(BlobNames.checkTemplate(BY_SET)).isEqualTo(BY_SET);
        assertThat(BlobNames.checkTemplate("in/{document_set}/{document_set}-{filename}"))
                .isEqualTo("in/{document_set}/{document_set}-{filename}");
    }

    @Test
    void badTemplatesAreRejectedNamingTheVariable() {
        for (String bad : new String[] {"", "  ", "{file}", "{document_set}/{name}", "{filename", "x}{filename}",
                "{{filename}}", "fixed.pdf", "/{filename}", "../{filename}", "{document_set}//{filename}",
                "{filename}/", "{filename}.", "a\u0001{filename}"}) {
            assertThatThrownBy(() -> BlobNames.checkTemplate(bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'blobNameTemplate'");
            Task task = task(payload().put("filename", "a.pdf").put("document_set", "s"));
            assertThatThrownBy(() -> BlobNames.forTask(task, bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'blobNameTemplate'");
        }
    }

    private static ObjectNode payload() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static Task task(ObjectNode payload) {
        return new Task("task-1", "ingest", payload, null, 1, Instant.EPOCH, "message-1");
    }
}
