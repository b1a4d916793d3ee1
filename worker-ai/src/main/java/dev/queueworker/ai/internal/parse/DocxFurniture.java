package dev.queueworker.ai.internal.parse;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.Office;
import org.apache.tika.metadata.PagedText;

/**
 * The lines of a Word document's header and footer parts ({@code word/header*.xml},
 * {@code word/footer*.xml}), as {@link PageBoilerplate#key keys}. Word prints them on every page;
 * Tika writes them into the text once per section, where they cannot be told from the body. Field
 * codes ({@code w:instrText}) are left out, as Tika does; a page number field's result is a digit
 * like any other.
 */
final class DocxFurniture {
    private static final Pattern PART = Pattern.compile("word/(header|footer)\\d*\\.xml");
    private static final String WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    /** Header and footer parts are small; a larger one is not read. */
    private static final long MAX_PART_BYTES = 1024 * 1024;
    private static final int MAX_LINES = 200;
    private static final int MAX_LINE_CHARACTERS = 2_000;

    private DocxFurniture() {
    }

    /** Characters of a full page of prose, for a document that does not say how many pages it has. */
    static final int CHARACTERS_PER_PAGE = 3_000;

    /**
     * Whether a document's header and footer lines were printed on more than one page: its own page
     * count (a Word document's {@code docProps/app.xml}), else its length at
     * {@value #CHARACTERS_PER_PAGE} characters a page.
     */
    static boolean morePagesThanOne(Metadata metadata, String text) {
        Integer pages = metadata.getInt(PagedText.N_PAGES);
        if (pages == null) {
            pages = metadata.getInt(Office.PAGE_COUNT);
        }
        return pages != null ? pages > 1 : text.length() > CHARACTERS_PER_PAGE;
    }

    /** The keys of the header and footer lines of the DOCX in {@code file}; empty for any other file. */
    static Set<String> keys(File file) {
        Set<String> keys = new HashSet<>();
        try (ZipFile zip = new ZipFile(file)) {
            if (zip.getEntry("word/document.xml") == null) {
                return keys;
            }
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                long size = entry.getSize();
                if (PART.matcher(entry.getName()).matches() && size >= 0 && size <= MAX_PART_BYTES) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        read(in, keys);
                    }
                }
            }
        } catch (IOException | XMLStreamException notReadable) {
            return Set.of(); // the parser says what is wrong with the file
        }
        return keys;
    }

    private static void read(InputStream in, Set<String> keys) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XMLStreamReader reader = factory.createXMLStreamReader(in);
        try {
            StringBuilder line = new StringBuilder();
            boolean inText = false;
            while (reader.hasNext() && keys.size() < MAX_LINES) {
                int event = reader.next();
                if (event == XMLStreamReader.START_ELEMENT && WORD.equals(reader.getNamespaceURI())) {
                    switch (reader.getLocalName()) {
                        case "t" -> inText = true;
                        case "tab" -> line.append(' ');
                        case "br", "cr" -> addLine(line, keys); // Tika breaks the line there too
                        default -> { }
                    }
                } else if (event == XMLStreamReader.END_ELEMENT && WORD.equals(reader.getNamespaceURI())) {
                    if ("t".equals(reader.getLocalName())) {
                        inText = false;
                    } else if ("p".equals(reader.getLocalName())) {
                        addLine(line, keys);
                    }
                } else if (inText && (event == XMLStreamReader.CHARACTERS || event == XMLStreamReader.CDATA)
                        && line.length() < MAX_LINE_CHARACTERS) {
                    line.append(reader.getText());
                }
            }
        } finally {
            reader.close();
        }
    }

    private static void addLine(StringBuilder line, Set<String> keys) {
        String key = PageBoilerplate.key(line.toString());
        if (!key.isEmpty()) {
            keys.add(key);
        }
        line.setLength(0);
    }
}
