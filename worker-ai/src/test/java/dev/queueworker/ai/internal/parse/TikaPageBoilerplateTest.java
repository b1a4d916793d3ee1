package dev.queueworker.ai.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.ai.testing.PagedDocuments;
import dev.queueworker.ai.testing.PagedDocuments.Furniture;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Page boilerplate as Tika really extracts it from PDF and Word documents. */
class TikaPageBoilerplateTest {
    private static final Furniture FURNITURE = new Furniture(
            List.of("Northwind Logistics - Employee Handbook 2026", "CONFIDENTIAL - internal use only"),
            List.of("Page {page} of {pages}"));

    private final TikaDocumentParser parser = new TikaDocumentParser(ParseLimits.DEFAULTS);

    private static List<List<String>> pages(int count) {
        List<List<String>> pages = new ArrayList<>();
        for (int p = 1; p <= count; p++) {
            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                lines.add("On page " + p + " line " + i + " describes the loading dock procedure number " + (p * 7 + i) + ".");
            }
            pages.add(lines);
        }
        return pages;
    }

    private ParsedDocument parse(byte[] document, String name) {
        return parser.parse(new ByteArrayInputStream(document), name, null, document.length);
    }

    private static void assertBodyKept(ParsedDocument parsed, List<List<String>> pages) {
        pages.forEach(page -> page.forEach(line -> assertThat(parsed.text()).contains(line)));
    }

    @Test
    void aPdfLosesTheHeaderAndFooterOfEveryPage() {
        List<List<String>> pages = pages(5);
        ParsedDocument parsed = parse(PagedDocuments.pdf(pages, FURNITURE), "handbook.pdf");

        assertThat(parsed.text()).doesNotContain("Northwind", "CONFIDENTIAL", "Page ", "\f");
        assertThat(parsed.boilerplateLines()).isEqualTo(15);
        assertThat(parsed.characters()).isEqualTo(parsed.text().length());
        assertBodyKept(parsed, pages);
    }

    @Test
    void aOnePagePdfKeepsItsHeaderAndFooter() {
        ParsedDocument parsed = parse(PagedDocuments.pdf(pages(1), FURNITURE), "letter.pdf");

        assertThat(parsed.text()).contains("Northwind", "CONFIDENTIAL", "Page 1 of 1");
        assertThat(parsed.boilerplateLines()).isZero();
    }

    @Test
    void aWordDocumentLosesItsHeaderAndFooterParts() {
        List<List<String>> pages = pages(3);
        ParsedDocument parsed = parse(PagedDocuments.docx(pages, FURNITURE), "handbook.docx");

        assertThat(parsed.text()).doesNotContain("Northwind", "CONFIDENTIAL", "of 3");
        assertThat(parsed.boilerplateLines()).isEqualTo(3);
        assertBodyKept(parsed, pages);
    }

    @Test
    void aOnePageWordDocumentKeepsItsHeaderAndFooter() {
        ParsedDocument parsed = parse(PagedDocuments.docx(pages(1), FURNITURE), "letter.docx");

        assertThat(parsed.text()).contains("Northwind", "CONFIDENTIAL", "of 1");
        assertThat(parsed.boilerplateLines()).isZero();
    }

    @Test
    void aDocumentWithoutFurnitureIsUnchanged() {
        List<List<String>> pages = pages(4);
        ParsedDocument pdf = parse(PagedDocuments.pdf(pages, Furniture.NONE), "clean.pdf");
        ParsedDocument docx = parse(PagedDocuments.docx(pages, Furniture.NONE), "clean.docx");

        assertThat(pdf.boilerplateLines()).isZero();
        assertThat(docx.boilerplateLines()).isZero();
        assertBodyKept(pdf, pages);
        assertBodyKept(docx, pages);
    }
}
