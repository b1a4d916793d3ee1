package dev.queueworker.ai.internal.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Run by {@link TikaDocumentParserLargeDocumentTest} in a child JVM with a small heap: parses a
 * generated text document of the given size with the default character limit, and prints
 * {@code truncated=<b> characters=<n> bytes=<n> prefix=<b> maxMemory=<n>}, where {@code prefix} says
 * whether the text is the document's start.
 *
 * <pre>StreamLargeTextMain &lt;size in bytes&gt;</pre>
 */
public final class StreamLargeTextMain {
    private StreamLargeTextMain() {
    }

    public static void main(String[] args) throws IOException {
        long size = Long.parseLong(args[0]);
        ParseLimits limits = ParseLimits.DEFAULTS.withMaxBytes(size + 1).withTimeout(Duration.ofSeconds(60));
        ParsedDocument parsed = new TikaDocumentParser(limits).parse(new GeneratedText(size), "large.txt", "text/plain");
        byte[] start = new GeneratedText(size).readNBytes(parsed.characters());
        boolean prefix = parsed.text().equals(new String(start, StandardCharsets.US_ASCII));
        System.out.println("truncated=" + parsed.truncated() + " characters=" + parsed.characters() + " bytes="
                + parsed.bytes() + " prefix=" + prefix + " maxMemory=" + Runtime.getRuntime().maxMemory());
    }
}
