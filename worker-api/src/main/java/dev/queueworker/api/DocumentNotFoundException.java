package dev.queueworker.api;

/** The document a task names does not exist in the {@link DocumentStore}. Permanent. */
public class DocumentNotFoundException extends PermanentException {
    private static final long serialVersionUID = 1L;

    private final String name;

    public DocumentNotFoundException(String name) {
        super("document not found: " + name);
        this.name = name;
    }

    /** The name that was looked up. */
    public String name() {
        return name;
    }
}
