package dev.queueworker.ai.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.ai.testing.Documents;
import dev.queueworker.ai.testing.PagedDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.Office;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocxFurnitureTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("document"), bytes);
    }

    @Test
    void readsTheLinesOfTheHeaderAndFooterPartsWithTheirFieldResults() throws IOException {
        byte[] docx = PagedDocuments.docx(List.of(List.of("Body text of the only page.")),
                new PagedDocuments.Furniture(List.of("Northwind Handbook"), List.of("Page {page} of {pages}")));

        assertThat(DocxFurniture.keys(write(docx).toFile())).containsExactlyInAnyOrder("northwind handbook", "page 0 of 0");
    }

    @Test
    void otherFilesHaveNone() throws IOException {
        assertThat(DocxFurniture.keys(write(Documents.docx("No header here.")).toFile())).isEmpty();
        assertThat(DocxFurniture.keys(write(Documents.xlsx("A cell")).toFile())).isEmpty();
        assertThat(DocxFurniture.keys(write(Documents.pdf("Not a zip")).toFile())).isEmpty();
    }

    @Test
    void aDocumentWithoutAPageCountIsCountedAtThreeThousandCharactersAPage() {
        assertThat(DocxFurniture.morePagesThanOne(new Metadata(), "x".repeat(3_000))).isFalse();
        assertThat(DocxFurniture.morePagesThanOne(new Metadata(), "x".repeat(3_001))).isTrue();
        Metadata onePage = new Metadata();
        onePage.set(Office.PAGE_COUNT, 1);
        assertThat(DocxFurniture.morePagesThanOne(onePage, "x".repeat(10_000))).isFalse();
        Metadata twoPages = new Metadata();
        twoPages.set(Office.PAGE_COUNT, 2);
        assertThat(DocxFurniture.morePagesThanOne(twoPages, "short")).isTrue();
    }
}
