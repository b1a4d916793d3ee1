package dev.queueworker.ai.internal.parse;

import org.apache.tika.sax.ContentHandlerDecorator;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Tells whether the limited handler behind it dropped any text: the newline a parser writes after
 * the last paragraph does not count, so a document of exactly the limit is not truncated.
 */
final class DropDetector extends ContentHandlerDecorator {
    private final int limit;
    private long offered;
    boolean textDropped;

    DropDetector(ContentHandler handler, int limit) {
        super(handler);
        this.limit = limit;
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
        check(ch, start, length);
        super.characters(ch, start, length);
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
        offered += length;
        super.ignorableWhitespace(ch, start, length);
    }

    private void check(char[] ch, int start, int length) {
        if (!textDropped && offered + length > limit) {
            for (int i = (int) Math.max(0, limit - offered); i < length; i++) {
                if (!Character.isWhitespace(ch[start + i])) {
                    textDropped = true;
                    break;
                }
            }
        }
        offered += length;
    }
}
