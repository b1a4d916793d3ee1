package dev.queueworker.ai;

import dev.langchain4j.data.document.DocumentParser;
import dev.queueworker.ai.internal.parse.ParsedDocument;
import dev.queueworker.api.PermanentException;
import java.io.InputStream;

/** The handlers' one way to extract text with any {@link DocumentParser}. */
final class Parsing {

    private Parsing() {
    }

    /**
     * The text of one document: {@link TikaParser} with its limits and filename-aware messages, any
     * other parser through its {@link DocumentParser#parse(InputStream)}.
     *
     * @throws PermanentException when the parser finds no text
     */
    static ParsedDocument parse(DocumentParser parser, InputStream content, String filename, String contentType,
            long size) {
        if (parser instanceof TikaParser tika) {
            return tika.parse(content, filename, contentType, size);
        }
        dev.langchain4j.data.document.Document document;
        try {
            document = parser.parse(content);
        } catch (RuntimeException e) {
            if (e instanceof dev.queueworker.api.QueueWorkerException) {
                throw e;
            }
            throw new PermanentException(filename + " cannot be parsed by " + parser.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
        String text = document == null || document.text() == null ? "" : document.text().strip();
        if (text.isEmpty()) {
            throw new PermanentException(filename + " contains no text to index");
        }
        return new ParsedDocument(text, text.length(), false,
                contentType == null ? "application/octet-stream" : contentType, Math.max(size, 0), 0);
    }
}
