package dev.queueworker.ai.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.wp.usermodel.HeaderFooterType;
import org.apache.poi.xwpf.usermodel.BreakType;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFRun;

/**
 * Multi-page documents as word processors write them: a PDF (PDFBox) whose every page carries its
 * header and footer lines, and a Word document (POI) whose header and footer parts Word would print
 * on every page, with {@code PAGE} and {@code NUMPAGES} fields and its page count in
 * {@code docProps/app.xml}, as Word saves it.
 *
 * <p>In header and footer lines, {@code {page}} and {@code {pages}} stand for the page number and
 * count. Keep lines under about 95 characters of Latin-1 text: each is one line of the PDF.
 */
public final class PagedDocuments {
    private static final float TOP = 750;
    private static final float LEADING = 13;

    private PagedDocuments() {
    }

    /** The pages' header and footer lines; either may be empty. */
    public record Furniture(List<String> header, List<String> footer) {
        public static final Furniture NONE = new Furniture(List.of(), List.of());

        public Furniture {
            header = List.copyOf(header);
            footer = List.copyOf(footer);
        }
    }

    /** A PDF with one page per entry of {@code pages}, each holding its body lines between the furniture. */
    public static byte[] pdf(List<List<String>> pages, Furniture furniture) {
        try (PDDocument document = new PDDocument()) {
            PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            for (int p = 0; p < pages.size(); p++) {
                PDPage page = new PDPage();
                document.addPage(page);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    float y = TOP;
                    for (String line : furniture.header()) {
                        y = line(content, font, 9, line(line, p + 1, pages.size()), y);
                    }
                    y -= LEADING;
                    for (String line : pages.get(p)) {
                        y = line(content, font, 10, line, y);
                    }
                    float footerY = 40 + LEADING * furniture.footer().size();
                    for (String line : furniture.footer()) {
                        footerY = line(content, font, 9, line(line, p + 1, pages.size()), footerY);
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Word document: the pages' lines as paragraphs with a page break after each page, the
     * furniture as the default header and footer, {@code {page}} and {@code {pages}} as
     * {@code PAGE} and {@code NUMPAGES} fields (with the results Word would have cached).
     */
    public static byte[] docx(List<List<String>> pages, Furniture furniture) {
        try (XWPFDocument document = new XWPFDocument()) {
            if (!furniture.header().isEmpty()) {
                var header = document.createHeader(HeaderFooterType.DEFAULT);
                furniture.header().forEach(line -> fields(header.createParagraph(), line, pages.size()));
            }
            if (!furniture.footer().isEmpty()) {
                var footer = document.createFooter(HeaderFooterType.DEFAULT);
                furniture.footer().forEach(line -> fields(footer.createParagraph(), line, pages.size()));
            }
            for (int p = 0; p < pages.size(); p++) {
                List<String> lines = pages.get(p);
                for (int i = 0; i < lines.size(); i++) {
                    XWPFRun run = document.createParagraph().createRun();
                    run.setText(lines.get(i));
                    if (i == lines.size() - 1 && p < pages.size() - 1) {
                        run.addBreak(BreakType.PAGE);
                    }
                }
            }
            document.getProperties().getExtendedProperties().setPages(pages.size());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float line(PDPageContentStream content, PDType1Font font, float size, String text, float y)
            throws IOException {
        content.beginText();
        content.setFont(font, size);
        content.newLineAtOffset(50, y);
        content.showText(text);
        content.endText();
        return y - LEADING;
    }

    private static String line(String template, int page, int pages) {
        return template.replace("{page}", Integer.toString(page)).replace("{pages}", Integer.toString(pages));
    }

    /** A paragraph of text runs and simple fields, {@code {page}} being page 1 as Word caches it. */
    private static void fields(XWPFParagraph paragraph, String template, int pages) {
        String rest = template;
        while (!rest.isEmpty()) {
            int page = rest.indexOf("{page}");
            int count = rest.indexOf("{pages}");
            int next = page < 0 ? count : count < 0 ? page : Math.min(page, count);
            if (next < 0) {
                paragraph.createRun().setText(rest);
                break;
            }
            if (next > 0) {
                paragraph.createRun().setText(rest.substring(0, next));
            }
            boolean isCount = next == count;
            var field = paragraph.getCTP().addNewFldSimple();
            field.setInstr(isCount ? " NUMPAGES " : " PAGE ");
            field.addNewR().addNewT().setStringValue(isCount ? Integer.toString(pages) : "1");
            rest = rest.substring(next + (isCount ? "{pages}" : "{page}").length());
        }
    }
}
