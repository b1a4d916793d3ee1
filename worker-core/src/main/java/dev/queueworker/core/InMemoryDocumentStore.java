package dev.queueworker.core;

import dev.queueworker.api.Document;
import dev.queueworker.api.DocumentInfo;
import dev.queueworker.api.DocumentNotFoundException;
import dev.queueworker.api.DocumentStore;
import dev.queueworker.api.RetryableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link DocumentStore} in memory, for tests and the {@code mock} setup. It keeps each document's
 * bytes and content type; {@link #put} reads the whole stream before the document becomes visible,
 * so readers see either the old or the new version.
 *
 * <pre>{@code
 * InMemoryDocumentStore documents = new InMemoryDocumentStore();
 * documents.put("policies/report.pdf", new ByteArrayInputStream(pdf), pdf.length, "application/pdf");
 * }</pre>
 *
 * <p><b>Thread safety:</b> safe for concurrent use.
 */
public final class InMemoryDocumentStore implements DocumentStore {

    private final Map<String, Stored> documents = new ConcurrentHashMap<>();

    @Override
    public Document open(String name) {
        DocumentStore.checkName(name);
        Stored stored = documents.get(name);
        if (stored == null) {
            throw new DocumentNotFoundException(name);
        }
        return new Document(name, stored.bytes.length, stored.contentType, new ByteArrayInputStream(stored.bytes));
    }

    @Override
    public void put(String name, InputStream content, long size, String contentType) {
        DocumentStore.checkName(name);
        Objects.requireNonNull(content, "'content' cannot be null.");
        if (size < -1) {
            throw new IllegalArgumentException("'size' must be -1 (unknown) or at least 0, was " + size);
        }
        byte[] bytes;
        try {
            bytes = content.readAllBytes();
        } catch (IOException e) {
            throw new RetryableException("reading the content of document " + name + " failed", e);
        }
        if (size >= 0 && size != bytes.length) {
            throw new IllegalArgumentException(
                    "'size' was " + size + " but the content of document " + name + " had " + bytes.length + " bytes");
        }
        documents.put(name, new Stored(bytes, contentType));
    }

    @Override
    public boolean exists(String name) {
        DocumentStore.checkName(name);
        return documents.containsKey(name);
    }

    @Override
    public List<DocumentInfo> list(String prefix) {
        checkPrefix(prefix);
        List<DocumentInfo> found = new ArrayList<>();
        documents.forEach((name, stored) -> {
            if (name.startsWith(prefix)) {
                found.add(new DocumentInfo(name, stored.bytes.length));
            }
        });
        found.sort(Comparator.comparing(DocumentInfo::name));
        return List.copyOf(found);
    }

    @Override
    public boolean delete(String name) {
        DocumentStore.checkName(name);
        return documents.remove(name) != null;
    }

    /** The number of documents held. */
    public int size() {
        return documents.size();
    }

    /**
     * A prefix may be empty or end in '/', which {@link DocumentStore#checkName} refuses; it only
     * filters names, so refusing control characters is enough.
     */
    static String checkPrefix(String prefix) {
        return DocumentStore.checkPrefix(prefix);
    }

    private record Stored(byte[] bytes, String contentType) {
    }
}
