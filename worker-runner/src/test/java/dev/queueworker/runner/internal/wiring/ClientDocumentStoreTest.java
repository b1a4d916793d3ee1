package dev.queueworker.runner.internal.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.DocumentInfo;
import dev.queueworker.api.InvalidDocumentNameException;
import dev.queueworker.core.InMemoryDocumentStore;
import dev.queueworker.runner.internal.config.ClientFolder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClientDocumentStoreTest {

    private final InMemoryDocumentStore shared = new InMemoryDocumentStore();
    private final ClientDocumentStore alpha = new ClientDocumentStore(shared, new ClientFolder("alpha/"));

    private void put(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        shared.put(name, new ByteArrayInputStream(bytes), bytes.length, "text/plain");
    }

    @Test
    void aClientReadsOnlyInsideItsFolderOfASharedStore() throws Exception {
        put("alpha/report.txt", "alpha's");
        put("beta/report.txt", "beta's");
        put("alpha-x/report.txt", "client alpha-x's");

        try (var document = alpha.open("alpha/report.txt")) {
            assertThat(new String(document.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("alpha's");
        }
        assertThat(alpha.exists("alpha/report.txt")).isTrue();
        for (String other : new String[] {"beta/report.txt", "alpha-x/report.txt", "report.txt"}) {
            assertThatThrownBy(() -> alpha.open(other)).isInstanceOf(InvalidDocumentNameException.class)
                    .hasMessage("invalid document name '" + other + "': is outside this client's folder alpha/"
                            + " (BLOB_NAME_TEMPLATE): in a container clients share, a task reads only its own client's"
                            + " documents");
            assertThatThrownBy(() -> alpha.exists(other)).isInstanceOf(InvalidDocumentNameException.class);
            assertThatThrownBy(() -> alpha.delete(other)).isInstanceOf(InvalidDocumentNameException.class);
        }
        assertThat(shared.exists("beta/report.txt")).as("nothing outside was deleted").isTrue();
        assertThatThrownBy(() -> alpha.open("alpha/../beta/report.txt")).isInstanceOf(InvalidDocumentNameException.class)
                .hasMessageContaining("'..' segments");

        assertThat(alpha.list("").stream().map(DocumentInfo::name)).containsExactly("alpha/report.txt");
        assertThat(alpha.list("alpha").stream().map(DocumentInfo::name)).containsExactly("alpha/report.txt");
        assertThat(alpha.list("alpha/rep").stream().map(DocumentInfo::name)).containsExactly("alpha/report.txt");
        assertThat(alpha.list("beta/")).isEmpty();
    }

    @Test
    void writesStayInsideTheFolderToo() {
        byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
        alpha.put("alpha/new.txt", new ByteArrayInputStream(bytes), 1, "text/plain");
        assertThat(shared.exists("alpha/new.txt")).isTrue();
        assertThatThrownBy(() -> alpha.put("beta/new.txt", new ByteArrayInputStream(bytes), 1, "text/plain"))
                .isInstanceOf(InvalidDocumentNameException.class);
        assertThat(shared.exists("beta/new.txt")).isFalse();
    }
}
