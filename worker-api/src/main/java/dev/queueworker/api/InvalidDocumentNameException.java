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
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < name.length() && i < 200; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (name.length() > 200) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
