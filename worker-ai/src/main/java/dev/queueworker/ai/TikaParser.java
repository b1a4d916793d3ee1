package dev.queueworker.ai;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentParser;
import dev.langchain4j.data.document.Metadata;
import dev.queueworker.ai.internal.parse.ParseLimits;
import dev.queueworker.ai.internal.parse.ParsedDocument;
import dev.queueworker.ai.internal.parse.TikaDocumentParser;
import java.io.InputStream;
import java.time.Duration;

/**
 * Apache Tika as a LangChain4j {@link DocumentParser}, hardened for documents from strangers: a
 * byte limit checked before and while reading, a zip-bomb pre-check, a character limit (the rest is
 * dropped and the metadata says {@code truncated}), a time limit per parse on a bounded pool of
 * parser threads, and page boilerplate (running headers, footers, page numbers) removed. The same
 * parser the {@code ingest} and {@code summarize} handlers use; reuse it on its own:
 *
 * <pre>{@code
 * DocumentParser parser = TikaParser.builder().maxBytes(20_000_000).parseTimeout(Duration.ofSeconds(30)).build();
 * Document document = parser.parse(Files.newInputStream(Path.of("report.pdf")));
 * }</pre>
 *
 * <p>The document's metadata holds {@code media_type}, {@code characters}, {@code truncated} and
 * {@code boilerplate_lines}. A document over a limit throws
 * {@link dev.queueworker.api.PermanentException}; thread-safe.
 */
public final class TikaParser implements DocumentParser {

    private final TikaDocumentParser tika;

    private TikaParser(ParseLimits limits) {
        this.tika = new TikaDocumentParser(limits);
    }

    /** A parser with the default limits: 100 MiB, 5,000,000 characters, 2 minutes. */
    public static TikaParser create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Document parse(InputStream inputStream) {
        ParsedDocument parsed = tika.parse(inputStream, "document", null);
        Metadata metadata = new Metadata().put("media_type", parsed.mediaType())
                .put("characters", parsed.characters()).put("truncated", Boolean.toString(parsed.truncated()))
                .put("boilerplate_lines", parsed.boilerplateLines());
        return Document.from(parsed.text(), metadata);
    }

    /** The handlers' richer call: the filename and type for error messages and detection, the size for the byte limit. */
    ParsedDocument parse(InputStream content, String filename, String declaredContentType, long size) {
        return tika.parse(content, filename, declaredContentType, size);
    }

    @Override
    public String toString() {
        return "TikaParser[" + tika.limits() + "]";
    }

    /** Builds a {@link TikaParser}; each setter checks its value and names its option. */
    public static final class Builder {
        private ParseLimits limits = ParseLimits.DEFAULTS;

        private Builder() {
        }

        /** Most bytes read from one document; a longer one is a permanent failure. */
        public Builder maxBytes(long maxBytes) {
            limits = limits.withMaxBytes(maxBytes);
            return this;
        }

        /** Most characters of text kept; the rest is dropped. */
        public Builder maxCharacters(int maxCharacters) {
            limits = limits.withMaxCharacters(maxCharacters);
            return this;
        }

        /** Longest one parse may run. */
        public Builder parseTimeout(Duration timeout) {
            limits = new ParseLimits(limits.maxBytes(), limits.maxCharacters(), timeout);
            return this;
        }

        public TikaParser build() {
            return new TikaParser(limits);
        }
    }
}
