package dev.queueworker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DocumentNamesTest {
    @Test
    void blobNameWinsThenTheTemplateIsFilledFromThePayload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("filename", "report.pdf")
                .put("document_set", "policies");
        assertThat(DocumentNames.forTask(task(payload), null)).isEqualTo("report.pdf");
        assertThat(DocumentNames.forTask(task(payload), "{document_set}/{filename}")).isEqualTo("policies/report.pdf");
        assertThat(DocumentNames.forTask(task(payload.deepCopy().put("blob_name", "in/x.pdf")), "{filename}"))
                .isEqualTo("in/x.pdf");
    }

    @Test
    void badNamesNameTheirFieldAndAStoreRuleCanBeAdded() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("filename", "a/../b.pdf");
        assertThatThrownBy(() -> DocumentNames.forTask(task(payload), null))
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("payload.filename"));
        ObjectNode dotted = JsonNodeFactory.instance.objectNode().put("filename", "notes.");
        assertThat(DocumentNames.forTask(task(dotted), null)).isEqualTo("notes.");
        assertThatThrownBy(() -> DocumentNames.forTask(task(dotted), null, name -> {
            if (name.endsWith(".")) {
                throw new InvalidDocumentNameException(name, "must not end with '.'");
            }
            return name;
        })).hasMessage("payload.filename: must not end with '.'");
    }

    @Test
    void templatesAreChecked() {
        assertThat(DocumentNames.checkTemplate(null)).isEqualTo("{filename}");
        assertThatThrownBy(() -> DocumentNames.checkTemplate("docs/{name}")).hasMessageContaining("'blobNameTemplate'");
        assertThatThrownBy(() -> DocumentNames.checkTemplate("fixed.pdf")).hasMessageContaining("same blob");
    }

    private static Task task(ObjectNode payload) {
        return new Task("t-1", "ingest", payload, null, 1, Instant.EPOCH, "m-1");
    }
}
