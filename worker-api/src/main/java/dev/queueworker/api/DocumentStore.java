package dev.queueworker.api;

import java.io.InputStream;
import java.util.List;

/**
 * Where the documents of tasks live: an Azure Blob container, a directory, or memory.
 *
 * <p>Names are relative, {@code /}-separated paths such as {@code policies/report.pdf}. A store
 * refuses names that are empty, absolute, contain {@code .} or {@code ..} segments, backslashes,
 * NUL or other control characters, or exceed 1024 characters, with an
 * {@link InvalidDocumentNameException}. Documents are streamed: nothing here reads a whole
 * document into memory.
 *
 * <p><b>Failures:</b> a missing document is a {@link DocumentNotFoundException} (permanent); I/O
 * and service failures are {@link RetryableException}s.
 *
 * <p><b>Thread safety:</b> implementations are safe for concurrent use.
 *
 * <p>Implementations: {@code InMemoryDocumentStore} and {@code FileSystemDocumentStore} in
 * worker-core, {@code AzureBlobDocumentStore} in worker-azure. Every implementation passes the
 * {@code DocumentStoreCompatibilityKit} of worker-test.
 */
public interface DocumentStore {

    /** The longest name any store accepts. */
    int MAX_NAME_LENGTH = 1024;

    /**
     * Checks a document name against the rules every store applies (see the class documentation).
     * Stores call it before touching anything.
     *
     * @return the name, unchanged
     * @throws InvalidDocumentNameException saying what is wrong
     */
    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidDocumentNameException(name, "must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidDocumentNameException(name, "must be at most " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (ControlCharacters.isControl(c)) {
                throw new InvalidDocumentNameException(name, "must not contain NUL or control characters");
            }
            if (c == '\\') {
                throw new InvalidDocumentNameException(name, "must not contain backslashes");
            }
        }
        if (name.startsWith("/")) {
            throw new InvalidDocumentNameException(name, "must be relative, not start with '/'");
        }
        if (name.length() >= 2 && name.charAt(1) == ':') {
            throw new InvalidDocumentNameException(name, "must be relative, not start with a drive letter");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InvalidDocumentNameException(name, "must not contain '.' or '..' segments");
            }
            if (segment.isEmpty()) {
                throw new InvalidDocumentNameException(name, "must not contain empty segments ('//' or a trailing '/')");
            }
        }
        return name;
    }

    /**
     * Checks a {@link #list} prefix: it may be empty or end in {@code /}, which {@link #checkName}
     * refuses; it only filters names, so refusing control characters is enough.
     *
     * @return the prefix, unchanged
     * @throws InvalidDocumentNameException when it holds NUL or another control character
     */
    static String checkPrefix(String prefix) {
        java.util.Objects.requireNonNull(prefix, "'prefix' cannot be null.");
        if (ControlCharacters.in(prefix)) {
            throw new InvalidDocumentNameException(prefix, "a prefix must not contain NUL or control characters");
        }
        return prefix;
    }

    /**
     * Opens a document for reading. The caller closes the returned document.
     *
     * @throws DocumentNotFoundException when there is no such document
     */
    Document open(String name);

    /**
     * Stores a document, replacing any earlier one of the same name. Readers never see a partly
     * written document.
     *
     * @param content read to its end; not closed
     * @param size the number of bytes, or -1 when unknown
     * @param contentType a MIME type such as {@code application/pdf}; nullable
     */
    void put(String name, InputStream content, long size, String contentType);

    /** Whether a document of this name exists. */
    boolean exists(String name);

    /** The documents whose names start with {@code prefix} ({@code ""} for all), sorted by name. */
    List<DocumentInfo> list(String prefix);

    /**
     * Deletes a document.
     *
     * @return whether there was one to delete
     */
    boolean delete(String name);
}
