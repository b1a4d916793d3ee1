package dev.queueworker.ai.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.test.ChildJvm;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated 200 MB text document goes through {@link TikaDocumentParser} in a JVM whose heap is
 * capped at 512 MB: were it read whole into memory (as bytes and then as characters), the child would
 * run out of heap.
 */
class TikaDocumentParserLargeDocumentTest {
    private static final long SIZE = 200L * 1024 * 1024;
    private static final long MAX_HEAP = 512L * 1024 * 1024;
    private static final Pattern RESULT = Pattern.compile(
            "truncated=(\\w+) characters=(\\d+) bytes=(\\d+) prefix=(\\w+) maxMemory=(\\d+)");

    @TempDir
    Path temp;

    @Test
    void aTwoHundredMegabyteDocumentIsStreamedAndTruncatedInASmallHeap() throws Exception {
        Matcher result = ChildJvm.run(StreamLargeTextMain.class, "-Xmx512m", Map.of(), temp.resolve("child.log"),
                RESULT, Long.toString(SIZE));

        int limit = ParseLimits.DEFAULTS.maxCharacters();
        assertThat(result.group(1)).as("truncated").isEqualTo("true");
        // The limit cuts mid-row, so only a final newline could be trimmed off.
        assertThat(Integer.parseInt(result.group(2))).as("characters").isBetween(limit - 1, limit);
        assertThat(Long.parseLong(result.group(3))).as("bytes read: the whole document").isEqualTo(SIZE);
        assertThat(result.group(4)).as("text is the document's start").isEqualTo("true");
        assertThat(Long.parseLong(result.group(5))).as("child's max heap").isLessThanOrEqualTo(MAX_HEAP);
    }
}
