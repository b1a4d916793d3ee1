package dev.queueworker.ai.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * Real documents of each format the ingest handler reads, built in memory around a given text, and
 * hostile ones (zip bombs, nested archives, encrypted and truncated PDFs).
 *
 * <p>The text is split into lines; each line becomes a paragraph, a slide line, a spreadsheet row and
 * so on. Keep it to Latin-1 letters, digits and punctuation: the PDF uses a standard 14 font.
 *
 * <pre>{@code
 * byte[] pdf = Documents.pdf("Quarterly report\nRevenue grew by 12 percent.");
 * }</pre>
 */
public final class Documents {
    private static final String OOXML_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types";
    private static final String OOXML_RELS = "http://schemas.openxmlformats.org/package/2006/relationships";
    private static final String WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    private Documents() {
    }

    /** A one-page PDF (PDFBox), one text line per line of {@code text}. */
    public static byte[] pdf(String text) {
        return pdf(text, null);
    }

    /** A PDF that needs {@code userPassword} to be opened (PDFBox {@code StandardProtectionPolicy}, AES-128). */
    public static byte[] encryptedPdf(String text, String userPassword) {
        return pdf(text, userPassword);
    }

    private static byte[] pdf(String text, String userPassword) {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
                content.setLeading(14);
                content.newLineAtOffset(50, 740);
                for (String line : lines(text)) {
                    content.showText(line);
                    content.newLine();
                }
                content.endText();
            }
            if (userPassword != null) {
                StandardProtectionPolicy policy = new StandardProtectionPolicy(userPassword + "-owner", userPassword,
                        new AccessPermission());
                policy.setEncryptionKeyLength(128);
                document.protect(policy);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code fraction} of a PDF's bytes: its trailer and cross-reference table are gone. */
    public static byte[] truncated(byte[] document, double fraction) {
        return Arrays.copyOf(document, (int) (document.length * fraction));
    }

    /** A Word document (POI), one paragraph per line. */
    public static byte[] docx(String text) {
        try (XWPFDocument document = new XWPFDocument()) {
            for (String line : lines(text)) {
                document.createParagraph().createRun().setText(line);
            }
            return write(document::write);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PowerPoint presentation (POI): one slide with a text box, one paragraph per line. */
    public static byte[] pptx(String text) {
        try (XMLSlideShow show = new XMLSlideShow()) {
            XSLFTextBox box = show.createSlide().createTextBox();
            box.clearText();
            for (String line : lines(text)) {
                box.addNewTextParagraph().addNewTextRun().setText(line);
            }
            return write(show::write);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An Excel workbook (POI): one sheet, one row per line, the line in column A. */
    public static byte[] xlsx(String text) {
        try (XSSFWorkbook workbook = new XSSFWorkbook()) {
            XSSFSheet sheet = workbook.createSheet("Data");
            List<String> lines = lines(text);
            for (int i = 0; i < lines.size(); i++) {
                sheet.createRow(i).createCell(0).setCellValue(lines.get(i));
            }
            return write(workbook::write);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An OpenDocument text, hand-built: the stored {@code mimetype} entry first, then manifest and content. */
    public static byte[] odt(String text) {
        StringBuilder paragraphs = new StringBuilder();
        for (String line : lines(text)) {
            paragraphs.append("<text:p>").append(xml(line)).append("</text:p>");
        }
        String content = """
                <?xml version="1.0" encoding="UTF-8"?>
                <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
                xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">\
                <office:body><office:text>%s</office:text></office:body></office:document-content>"""
                .formatted(paragraphs);
        String manifest = """
                <?xml version="1.0" encoding="UTF-8"?>
                <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
                 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
                 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
                </manifest:manifest>""";
        return zip(new Entry("mimetype", "application/vnd.oasis.opendocument.text", true),
                new Entry("META-INF/manifest.xml", manifest, false), new Entry("content.xml", content, false));
    }

    /** An EPUB 2 book, hand-built: the stored {@code mimetype} entry first, container, package, one chapter. */
    public static byte[] epub(String text) {
        String container = """
                <?xml version="1.0" encoding="UTF-8"?>
                <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
                 <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
                </container>""";
        String opf = """
                <?xml version="1.0" encoding="UTF-8"?>
                <package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
                 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
                  <dc:title>Generated book</dc:title><dc:language>en</dc:language><dc:identifier id="id">urn:uuid:1</dc:identifier>
                 </metadata>
                 <manifest>
                  <item id="chapter1" href="chapter1.xhtml" media-type="application/xhtml+xml"/>
                  <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
                 </manifest>
                 <spine toc="ncx"><itemref idref="chapter1"/></spine>
                </package>""";
        String ncx = """
                <?xml version="1.0" encoding="UTF-8"?>
                <ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
                 <head><meta name="dtb:uid" content="urn:uuid:1"/></head><docTitle><text>Generated book</text></docTitle>
                 <navMap><navPoint id="p1" playOrder="1"><navLabel><text>Chapter 1</text></navLabel>\
                <content src="chapter1.xhtml"/></navPoint></navMap>
                </ncx>""";
        return zip(new Entry("mimetype", "application/epub+zip", true),
                new Entry("META-INF/container.xml", container, false), new Entry("OEBPS/content.opf", opf, false),
                new Entry("OEBPS/toc.ncx", ncx, false), new Entry("OEBPS/chapter1.xhtml", xhtml(text), false));
    }

    /** Rich Text Format, one {@code \par} per line. */
    public static byte[] rtf(String text) {
        StringBuilder rtf = new StringBuilder("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\fs22\n");
        for (String line : lines(text)) {
            for (char c : line.toCharArray()) {
                if (c == '\\' || c == '{' || c == '}') {
                    rtf.append('\\').append(c);
                } else if (c > 127) {
                    rtf.append("\\u").append((int) c).append('?');
                } else {
                    rtf.append(c);
                }
            }
            rtf.append("\\par\n");
        }
        return rtf.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** An HTML page, one paragraph per line, with a script whose content must not appear in the text. */
    public static byte[] html(String text) {
        StringBuilder body = new StringBuilder();
        for (String line : lines(text)) {
            body.append("<p>").append(xml(line)).append("</p>\n");
        }
        return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Generated page</title>"
                + "<script>var hidden = 'script text';</script></head>\n<body>\n" + body + "</body></html>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Markdown: a heading, then the text as paragraphs. */
    public static byte[] markdown(String text) {
        return ("# Generated notes\n\n" + String.join("\n\n", lines(text)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-8 plain text. */
    public static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A small DOCX whose {@code word/document.xml} inflates to {@code inflatedCharacters} of text: a
     * ratio near DEFLATE's maximum of about 1000.
     */
    public static byte[] zipBombDocx(long inflatedCharacters) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            put(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Types xmlns="%s">
                     <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                     <Default Extension="xml" ContentType="application/xml"/>
                     <Override PartName="/word/document.xml" \
                    ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
                    </Types>""".formatted(OOXML_TYPES));
            put(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="%s">
                     <Relationship Id="rId1" \
                    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
                    Target="word/document.xml"/>
                    </Relationships>""".formatted(OOXML_RELS));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"" + WORD_NS
                    + "\"><w:body><w:p><w:r><w:t>").getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'a');
            for (long written = 0; written < inflatedCharacters; written += block.length) {
                zip.write(block, 0, (int) Math.min(block.length, inflatedCharacters - written));
            }
            zip.write("</w:t></w:r></w:p></w:body></w:document>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A ZIP holding a ZIP holding … {@code depth} levels deep, with a text file at the bottom. */
    public static byte[] nestedZip(int depth, String text) {
        byte[] content = text(text);
        String name = "innermost.txt";
        for (int level = depth; level >= 1; level--) {
            content = zip(new Entry(name, content, false));
            name = "level-" + level + ".zip";
        }
        return content;
    }

    /** {@code size} bytes that no parser recognises: no magic number, not text. */
    public static byte[] unknownBinary(int size) {
        byte[] bytes = new byte[size];
        long state = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < size; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            bytes[i] = (byte) state;
        }
        bytes[0] = 0x01; // some byte sequences happen to be magic numbers; this start is none
        bytes[1] = (byte) 0xF3;
        return bytes;
    }

    /** A ZIP archive of the given entries in order; {@code stored} ones are not compressed. */
    public static byte[] zip(Entry... entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Entry entry : entries) {
                ZipEntry zipEntry = new ZipEntry(entry.name());
                if (entry.stored()) {
                    CRC32 crc = new CRC32();
                    crc.update(entry.content());
                    zipEntry.setMethod(ZipEntry.STORED);
                    zipEntry.setSize(entry.content().length);
                    zipEntry.setCompressedSize(entry.content().length);
                    zipEntry.setCrc(crc.getValue());
                }
                zip.putNextEntry(zipEntry);
                zip.write(entry.content());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** One ZIP entry. */
    public record Entry(String name, byte[] content, boolean stored) {
        public Entry(String name, String content, boolean stored) {
            this(name, content.getBytes(StandardCharsets.UTF_8), stored);
        }
    }

    private static String xhtml(String text) {
        StringBuilder body = new StringBuilder();
        for (String line : lines(text)) {
            body.append("<p>").append(xml(line)).append("</p>\n");
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter 1</title></head>
                <body>
                %s</body></html>""".formatted(body);
    }

    private static void put(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private interface Writing {
        void writeTo(OutputStream out) throws IOException;
    }

    private static byte[] write(Writing writing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writing.writeTo(out);
        return out.toByteArray();
    }
}
