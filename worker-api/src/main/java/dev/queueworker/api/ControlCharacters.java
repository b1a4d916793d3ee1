package dev.queueworker.api;

/**
 * The one rule for control characters in task ids, task types, webhook URLs, payload strings and
 * document names: U+0000 to U+001F and U+007F are refused. Free texts that allow line breaks (such as
 * a summary's {@code instructions}) apply their own, looser rule.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /** Whether {@code c} is a control character: U+0000 to U+001F, or U+007F. */
    public static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }

    /** Whether {@code text} holds a control character. */
    public static boolean in(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} with each control character written as {@code \}{@code uXXXX}, safe for a log line. */
    public static String escape(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
