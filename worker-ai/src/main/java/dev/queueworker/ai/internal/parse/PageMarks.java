package dev.queueworker.ai.internal.parse;

import org.apache.tika.sax.ContentHandlerDecorator;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Writes a {@value PageBoilerplate#PAGE_BREAK} between the pages Tika marks with
 * {@code <div class="page">} (PDF), so that {@link PageBoilerplate} can tell the pages apart after
 * the XHTML has become plain text.
 */
final class PageMarks extends ContentHandlerDecorator {
    private static final char[] BREAK = {PageBoilerplate.PAGE_BREAK};
    private int pages;

    PageMarks(ContentHandler handler) {
        super(handler);
    }

    @Override
    public void startElement(String uri, String localName, String name, Attributes atts) throws SAXException {
        if ("div".equals(localName) && "page".equals(atts.getValue("class"))) {
            if (pages++ > 0) {
                super.characters(BREAK, 0, 1);
            }
        }
        super.startElement(uri, localName, name, atts);
    }
}
