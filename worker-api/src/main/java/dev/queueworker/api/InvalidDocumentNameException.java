package dev.queueworker.api;

/**
 * A document name a {@link DocumentStore} refuses: absolute, with a {@code ..} segment, with NUL or
 * control characters, empty or too long. Permanent: the same name will always be refused.
 */
public class InvalidDocumentNameException extends PermanentException {
    private static final long serialVersionUID = 1L;

    public InvalidDocumentNameException(String name, String problem) {
        super("invalid document name " + quote(name) + ": " + problem);
    }

    private static String quote(String name) {
        if (name == null) {
            return "null";
        }
        String cut = name.length() > 200 ? name.substring(0, 200) : name;
        return "'" + ControlCharacters.escape(cut) + (name.length() > 200 ? "..." : "") + "'";
    }
}
