package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentInfo;
import dev.queueworker.api.InvalidDocumentNameException;
import dev.queueworker.api.RetryableException;
import dev.queueworker.core.FileSystemDocumentStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemDocumentStoreTest {
    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private FileSystemDocumentStore store;

    @BeforeEach
    void setUp() throws IOException {
        root = temp.resolve("root");
        outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        store = new FileSystemDocumentStore(root);
    }

    @Test
    void createsTheRootWhenMissing() throws IOException {
        assertThat(root).isDirectory();
        assertThat(store.root()).isEqualTo(root.toRealPath());
    }

    @Test
    void aDirectorySymlinkLeadingOutsideTheRootIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("escape"), outside);

        assertThatThrownBy(() -> store.open("escape/secret.txt")).isInstanceOf(InvalidDocumentNameException.class)
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> store.put("escape/planted.txt", stream("planted"), 7, null))
                .isInstanceOf(InvalidDocumentNameException.class);
        assertThatThrownBy(() -> store.put("escape/new/planted.txt", stream("planted"), 7, null))
                .isInstanceOf(InvalidDocumentNameException.class);
        assertThatThrownBy(() -> store.delete("escape/secret.txt")).isInstanceOf(InvalidDocumentNameException.class);

        assertThat(outside.resolve("planted.txt")).doesNotExist();
        assertThat(outside.resolve("new")).doesNotExist();
        assertThat(outside.resolve("secret.txt")).hasContent("secret");
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void aFileSymlinkLeadingOutsideTheRootIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));

        assertThatThrownBy(() -> store.open("link.txt")).isInstanceOf(InvalidDocumentNameException.class);
        assertThatThrownBy(() -> store.put("link.txt", stream("overwritten"), 11, null))
                .isInstanceOf(InvalidDocumentNameException.class);

        assertThat(outside.resolve("secret.txt")).hasContent("secret");
        assertThat(Files.isSymbolicLink(root.resolve("link.txt"))).isTrue();
    }

    @Test
    void aDanglingSymlinkIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling.txt"), outside.resolve("not-yet.txt"));

        assertThatThrownBy(() -> store.put("dangling.txt", stream("x"), 1, null))
                .isInstanceOf(InvalidDocumentNameException.class);
        assertThat(outside.resolve("not-yet.txt")).doesNotExist();
    }

    @Test
    void aSymlinkInsideTheRootIsFollowed() throws IOException {
        store.put("real/doc.txt", stream("inside"), 6, null);
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));

        try (Document document = store.open("alias/doc.txt")) {
            assertThat(new String(document.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("inside");
        }
        assertThat(store.list("")).extracting(DocumentInfo::name).as("links are not listed")
                .containsExactly("real/doc.txt");
    }

    @Test
    void temporaryFilesAreNeverListedNorOpenable() throws IOException {
        store.put("set/doc.txt", stream("doc"), 3, null);
        Files.writeString(root.resolve("set/.qw-tmp-leftover.part"), "half");
        Files.writeString(root.resolve(".qw-tmp-top.part"), "half");

        assertThat(store.list("")).extracting(DocumentInfo::name).containsExactly("set/doc.txt");
        assertThatThrownBy(() -> store.open("set/.qw-tmp-leftover.part"))
                .isInstanceOf(InvalidDocumentNameException.class);
    }

    @Test
    void aPutThatFailsMidwayKeepsThePreviousVersionAndLeavesNoTemporaryFile() throws IOException {
        store.put("set/doc.txt", stream("version 1"), 9, "text/plain");
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served++ >= 100_000) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };

        assertThatThrownBy(() -> store.put("set/doc.txt", failing, -1, "text/plain"))
                .isInstanceOf(RetryableException.class).hasRootCauseMessage("connection reset");

        try (Document document = store.open("set/doc.txt")) {
            assertThat(new String(document.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("version 1");
        }
        assertThat(filesUnder(root)).containsExactly(root.resolve("set/doc.txt"));
    }

    @Test
    void aPutWithTheWrongSizeKeepsThePreviousVersionAndLeavesNoTemporaryFile() throws IOException {
        store.put("doc.txt", stream("version 1"), 9, null);

        assertThatThrownBy(() -> store.put("doc.txt", stream("version 2"), 100, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'size'");

        assertThat(root.resolve("doc.txt")).hasContent("version 1");
        assertThat(filesUnder(root)).containsExactly(root.resolve("doc.txt"));
    }

    @Test
    void openGuessesTheContentTypeFromTheName() {
        store.put("report.pdf", stream("%PDF"), 4, "ignored/type");

        try (Document document = store.open("report.pdf")) {
            assertThat(document.contentType()).isEqualTo("application/pdf");
        }
    }

    @Test
    void deleteLeavesDirectoriesAndDirectoriesAreNotDocuments() {
        store.put("set/sub/doc.txt", stream("x"), 1, null);

        assertThat(store.exists("set/sub")).isFalse();
        assertThat(store.delete("set/sub")).isFalse();
        assertThat(store.delete("set/sub/doc.txt")).isTrue();
        assertThat(root.resolve("set/sub")).isDirectory();
        assertThatThrownBy(() -> store.put("set", stream("x"), 1, null))
                .isInstanceOf(InvalidDocumentNameException.class);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
