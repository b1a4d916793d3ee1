package dev.queueworker.ai.internal.parse;

import java.util.Objects;

/**
 * The text extracted from one document.
 *
 * @param text       the text, with line endings normalised to {@code \n}, trailing spaces removed,
 *                   runs of blank lines collapsed to one and the whole trimmed; never blank
 * @param characters {@code text.length()}
 * @param truncated  whether text past {@link ParseLimits#maxCharacters()} was dropped
 * @param mediaType  the media type Tika detected from the bytes, such as {@code application/pdf}
 * @param bytes      bytes read from the document's stream
 * @param boilerplateLines lines of page boilerplate (running headers and footers, page numbers)
 *                   removed from the text, see {@link PageBoilerplate}
 */
public record ParsedDocument(String text, int characters, boolean truncated, String mediaType, long bytes,
        int boilerplateLines) {
    public ParsedDocument {
        Objects.requireNonNull(text, "'text' cannot be null.");
        Objects.requireNonNull(mediaType, "'mediaType' cannot be null.");
    }
}
