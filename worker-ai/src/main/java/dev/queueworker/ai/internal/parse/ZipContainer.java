package dev.queueworker.ai.internal.parse;

import java.util.Set;
import org.apache.tika.io.TikaInputStream;

/** What {@link TikaDocumentParser} reads in a ZIP container (DOCX, XLSX, ODT, EPUB, ZIP…) before Tika parses it. */
final class ZipContainer {

    private ZipContainer() {
    }

    /** An entry expanding more than this many times its compressed size (and past 1 MiB) is a zip bomb. */
    static final long MAX_INFLATE_RATIO = 100;
    static final long RATIO_GRACE_BYTES = 1024 * 1024;

    /**
     * Refuses a ZIP container (DOCX, XLSX, PPTX, ODT, EPUB, ZIP…) whose central directory declares an
     * entry that expands past {@link #MAX_INFLATE_RATIO}, before any parser inflates it: POI and Tika
     * hold a document part's text (one run of a DOCX, say) whole in memory, so a 40 KB DOCX holding
     * 40 MB of text would fill a 256 MB heap before Tika's own zip-bomb check sees the text. Entries
     * that lie about their size are left to that check. Returns the {@link DocxFurniture} of a Word
     * document, else nothing.
     */
    static Set<String> inspect(TikaInputStream in) throws java.io.IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            return Set.of();
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(in.getFile())) {
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                java.util.zip.ZipEntry entry = entries.nextElement();
                long size = entry.getSize();
                long packed = entry.getCompressedSize();
                if (size > RATIO_GRACE_BYTES && packed >= 0 && size > Math.max(1, packed) * MAX_INFLATE_RATIO) {
                    throw new java.io.IOException("zip bomb: entry '" + entry.getName() + "' expands from " + packed
                            + " to " + size + " bytes");
                }
            }
        } catch (java.util.zip.ZipException notReadableAsZip) {
            return Set.of(); // a damaged archive: the parser says what is wrong with it
        }
        return DocxFurniture.keys(in.getFile());
    }
}
