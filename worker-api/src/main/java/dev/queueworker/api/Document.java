package dev.queueworker.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * An open document: its name, size and content type, known before the content is read, and its
 * content as a stream. Close it when done.
 *
 * <pre>{@code
 * try (Document doc = context.documents().open("policies/report.pdf")) {
 *     parse(doc.content(), doc.size());
 * }
 * }</pre>
 */
public final class Document implements AutoCloseable {
    private final String name;
    private final long size;
    private final String contentType;
    private final InputStream content;

    /**
     * @param size the size in bytes
     * @param contentType nullable
     */
    public Document(String name, long size, String contentType, InputStream content) {
        this.name = Objects.requireNonNull(name, "'name' cannot be null.");
        this.size = size;
        this.contentType = contentType;
        this.content = Objects.requireNonNull(content, "'content' cannot be null.");
    }

    public String name() {
        return name;
    }

    /** The size in bytes. */
    public long size() {
        return size;
    }

    /** The MIME type the document was stored with; nullable. */
    public String contentType() {
        return contentType;
    }

    /** The content; read once. */
    public InputStream content() {
        return content;
    }

    @Override
    public void close() {
        try {
            content.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing document " + name, e);
        }
    }

    @Override
    public String toString() {
        return "Document[name=" + name + ", size=" + size + ", contentType=" + contentType + "]";
    }
}
