package dev.queueworker.ai.internal.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.ai.testing.Documents;
import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TikaDocumentParserTest {
    private static final String TEXT = """
            Quarterly report for the northern region
            Revenue grew by twelve percent while costs fell
            The harbour project finished ahead of schedule""";
    private static final List<String> LINES = TEXT.lines().toList();

    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private static final String PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    private static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private final TikaDocumentParser parser = new TikaDocumentParser(ParseLimits.DEFAULTS);

    static Stream<Arguments> formats() {
        return Stream.of(
                Arguments.of("report.pdf", (Function<String, byte[]>) Documents::pdf, "application/pdf"),
                Arguments.of("report.docx", (Function<String, byte[]>) Documents::docx, DOCX),
                Arguments.of("report.pptx", (Function<String, byte[]>) Documents::pptx, PPTX),
                Arguments.of("report.xlsx", (Function<String, byte[]>) Documents::xlsx, XLSX),
                Arguments.of("report.odt", (Function<String, byte[]>) Documents::odt,
                        "application/vnd.oasis.opendocument.text"),
                Arguments.of("report.rtf", (Function<String, byte[]>) Documents::rtf, "application/rtf"),
                Arguments.of("report.html", (Function<String, byte[]>) Documents::html, "text/html"),
                Arguments.of("report.md", (Function<String, byte[]>) Documents::markdown, "text/markdown"),
                Arguments.of("report.txt", (Function<String, byte[]>) Documents::text, "text/plain"),
                Arguments.of("report.epub", (Function<String, byte[]>) Documents::epub, "application/epub+zip"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void extractsTheTextOfEachFormat(String filename, Function<String, byte[]> format, String mediaType) {
        byte[] document = format.apply(TEXT);

        ParsedDocument parsed = parser.parse(new ByteArrayInputStream(document), filename, null);

        assertThat(parsed.text()).contains(LINES);
        assertThat(parsed.text()).doesNotContain("script text").doesNotContain("\n\n\n").isEqualTo(parsed.text().strip());
        assertThat(parsed.characters()).isEqualTo(parsed.text().length());
        assertThat(parsed.truncated()).isFalse();
        assertThat(parsed.mediaType()).isEqualTo(mediaType);
        assertThat(parsed.bytes()).isEqualTo(document.length);
    }

    @Test
    void theBytesWinOverAWrongExtensionAndDeclaredType() {
        ParsedDocument pdf = parser.parse(new ByteArrayInputStream(Documents.pdf(TEXT)), "notes.txt", "text/plain");
        ParsedDocument docx = parser.parse(new ByteArrayInputStream(Documents.docx(TEXT)), "slides.pptx", PPTX);
        ParsedDocument html = parser.parse(new ByteArrayInputStream(Documents.html(TEXT)), "page", "not a type");

        assertThat(pdf.mediaType()).isEqualTo("application/pdf");
        assertThat(pdf.text()).contains(LINES);
        assertThat(docx.mediaType()).isEqualTo(DOCX);
        assertThat(docx.text()).contains(LINES);
        assertThat(html.mediaType()).isEqualTo("text/html");
        assertThat(html.text()).contains(LINES);
    }

    @Test
    void embeddedDocumentsAreExtracted() {
        byte[] archive = Documents.nestedZip(3, TEXT);

        ParsedDocument parsed = parser.parse(new ByteArrayInputStream(archive), "bundle.zip", "application/zip");

        assertThat(parsed.text()).contains(LINES);
        assertThat(parsed.mediaType()).isEqualTo("application/zip");
    }

    @Test
    void anEmptyFileIsAPermanentFailure() {
        assertThatThrownBy(() -> parser.parse(InputStream.nullInputStream(), "empty.pdf", "application/pdf"))
                .isInstanceOf(PermanentException.class).hasMessage("\"empty.pdf\" is empty (0 bytes)");
    }

    @Test
    void aDocumentWithoutTextIsAPermanentFailure() {
        assertThatThrownBy(() -> parse(Documents.pdf(""), "scan.pdf"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"scan.pdf\" contains no text (detected PDF); scanned images are not OCR'd");
        assertThatThrownBy(() -> parse(Documents.text(" \n\n\t \r\n "), "blank.txt"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"blank.txt\" contains no text (detected plain text); scanned images are not OCR'd");
    }

    @Test
    void anEncryptedPdfIsAPermanentFailure() {
        byte[] pdf = Documents.encryptedPdf(TEXT, "s3cret");

        assertThatThrownBy(() -> parse(pdf, "locked.pdf"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"locked.pdf\" is encrypted or password-protected; remove the password and upload it again")
                .hasMessageNotContaining("s3cret")
                .hasCauseInstanceOf(org.apache.tika.exception.EncryptedDocumentException.class);
    }

    @Test
    void aTruncatedPdfIsAPermanentFailureSayingWhatFailed() {
        byte[] pdf = Documents.truncated(Documents.pdf(TEXT), 0.3);

        assertThatThrownBy(() -> parse(pdf, "cut.pdf"))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("\"cut.pdf\" could not be read as PDF: ")
                .hasMessageNotContaining("\tat ")
                .hasCauseInstanceOf(Exception.class);
    }

    @Test
    void aTruncatedDocxIsAPermanentFailure() {
        byte[] docx = Documents.truncated(Documents.docx(TEXT), 0.5);

        assertThatThrownBy(() -> parse(docx, "cut.docx"))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("\"cut.docx\" could not be read as ");
    }

    @Test
    void anUnknownBinaryIsAPermanentFailureNamingTheDetectedType() {
        assertThatThrownBy(() -> parse(Documents.unknownBinary(4096), "data.bin"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"data.bin\" is in a format text cannot be extracted from (detected application/octet-stream)");
    }

    @Test
    void bytesThatSayNothingAreReadAsTheirExtensionSays() {
        // No magic number: the name is all there is to go by.
        assertThatThrownBy(() -> parse(Documents.unknownBinary(4096), "data.docx"))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("\"data.docx\" could not be read as DOCX: ");
    }

    @Test
    void binaryBytesLabelledAsTextArePermanentFailuresNotGarbageText() {
        // Named and declared text, bytes that say nothing: Tika trusts the label and decodes noise.
        assertThatThrownBy(() -> parser.parse(new ByteArrayInputStream(Documents.unknownBinary(20_000)), "notes.txt",
                "text/plain"))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("\"notes.txt\" is not text although it was detected as plain text: ")
                .hasMessageContaining("% of its first ")
                .hasMessageEndingWith("check the file and the content type it was stored with");
    }

    @Test
    void textInAnyScriptWithTabsAndControlFreeLayoutIsNotMistakenForBinary() {
        String text = "Résumé\tnaïve café — ナレッジベースの文書 — Документ 📄\n".repeat(50)
                + "col1\tcol2\tcol3\f\n".repeat(20);
        assertThat(parser.parse(new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "notes.txt", "text/plain").text()).contains("ナレッジベース", "Документ", "col1\tcol2");
        byte[] latin1 = "Résumé: naïve café, garçon, über.\n".repeat(40)
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(parser.parse(new ByteArrayInputStream(latin1), "old.txt", "text/plain").text()).contains("garçon");
        byte[] colouredLog = "\u001B[32mINFO\u001B[0m worker started, 4 slots\n".repeat(40)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(parser.parse(new ByteArrayInputStream(colouredLog), "worker.log", "text/plain").text())
                .contains("worker started");
    }

    @Test
    void binaryBytesNamedMarkdownOrCsvAreRefusedAsWell() {
        for (String name : List.of("notes.md", "table.csv")) {
            assertThatThrownBy(() -> parse(Documents.unknownBinary(8192), name))
                    .as(name)
                    .isInstanceOf(PermanentException.class)
                    .hasMessageContaining("is not text although it was detected as ");
        }
    }

    @Test
    void aZipBombIsAPermanentFailure() {
        byte[] bomb = Documents.zipBombDocx(40L * 1024 * 1024);
        assertThat(bomb.length).as("compressed size").isLessThan(100 * 1024);

        assertThatThrownBy(() -> parse(bomb, "bomb.docx"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"bomb.docx\" looks like a zip bomb: it expands far beyond its size or nests too deeply,"
                        + " so it was not extracted");
    }

    @Test
    void aZipBombIsRefusedFromItsEntrySizesBeforeAnyPartIsInflated() {
        // 40 MB of text in one DOCX run filled a 256 MB daemon's heap inside POI/Tika (issue 6,
        // scenario 6): the central directory's sizes now stop it before the parser runs.
        byte[] bomb = Documents.zipBombDocx(40L * 1024 * 1024);

        assertThatThrownBy(() -> parse(bomb, "bomb.docx"))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("looks like a zip bomb")
                .cause().hasMessageStartingWith("zip bomb: entry 'word/document.xml' expands from ");
    }

    @Test
    void anOrdinaryCompressibleDocxIsNotMistakenForAZipBomb() {
        String text = "The harbour opens at nine and closes at five.\n".repeat(3_000);

        assertThat(parse(Documents.docx(text), "minutes.docx").text()).contains("The harbour opens at nine");
    }

    @Test
    void aDeeplyNestedArchiveIsAPermanentFailure() {
        byte[] archive = Documents.nestedZip(40, TEXT);

        assertThatThrownBy(() -> parse(archive, "nested.zip"))
                .isInstanceOf(PermanentException.class)
                .hasMessageStartingWith("\"nested.zip\" looks like a zip bomb");
    }

    @Test
    void textPastTheCharacterLimitIsDroppedAndReported() {
        StringBuilder source = new StringBuilder();
        for (int row = 0; source.length() < 20_000; row++) {
            source.append(new String(GeneratedText.line(row), java.nio.charset.StandardCharsets.US_ASCII));
        }
        TikaDocumentParser limited = new TikaDocumentParser(ParseLimits.DEFAULTS.withMaxCharacters(1_000));

        ParsedDocument parsed = limited.parse(new ByteArrayInputStream(Documents.text(source.toString())),
                "lines.txt", "text/plain");

        assertThat(parsed.truncated()).isTrue();
        assertThat(parsed.characters()).isBetween(999, 1_000);
        assertThat(parsed.text()).isEqualTo(source.substring(0, parsed.characters()));
        assertThat(parsed.bytes()).isEqualTo(source.length());
    }

    @Test
    void textAtExactlyTheCharacterLimitIsNotTruncated() {
        String text = "x".repeat(1_000);
        TikaDocumentParser limited = new TikaDocumentParser(ParseLimits.DEFAULTS.withMaxCharacters(1_000));

        ParsedDocument parsed = limited.parse(new ByteArrayInputStream(Documents.text(text)), "x.txt", null);

        assertThat(parsed.truncated()).isFalse();
        assertThat(parsed.text()).isEqualTo(text);
    }

    @Test
    void aDocumentOverTheByteLimitIsAPermanentFailureWithoutReadingOn() {
        TikaDocumentParser limited = new TikaDocumentParser(ParseLimits.DEFAULTS.withMaxBytes(10_000));
        CountingStream source = new CountingStream(new ByteArrayInputStream(Documents.text("word ".repeat(20_000))));

        assertThatThrownBy(() -> limited.parse(source, "long.txt", "text/plain"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"long.txt\" is larger than 'maxBytes': reading stopped at 10001 bytes, the limit is"
                        + " 10000 bytes (9.8 KiB)");
        assertThat(source.count).as("bytes read from the store").isEqualTo(10_001);
    }

    @Test
    void aDocumentKnownToBeOverTheByteLimitFailsBeforeItIsRead() {
        TikaDocumentParser limited = new TikaDocumentParser(ParseLimits.DEFAULTS.withMaxBytes(2L * 1024 * 1024));
        CountingStream source = new CountingStream(InputStream.nullInputStream());

        assertThatThrownBy(() -> limited.parse(source, "huge.pdf", "application/pdf", 3L * 1024 * 1024))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"huge.pdf\" is larger than 'maxBytes': it is 3145728 bytes, the limit is 2097152"
                        + " bytes (2.0 MiB)");
        assertThat(source.count).isZero();
    }

    @Test
    void aStoreFailureMidReadIsRetryable() {
        IOException failure = new IOException("connection reset");
        InputStream failing = new InputStream() {
            private int left = 5_000;

            @Override
            public int read() throws IOException {
                return read(new byte[1], 0, 1) < 0 ? -1 : 'a';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (left == 0) {
                    throw failure;
                }
                int n = Math.min(length, left);
                java.util.Arrays.fill(buffer, offset, offset + n, (byte) 'a');
                left -= n;
                return n;
            }
        };

        assertThatThrownBy(() -> parser.parse(failing, "remote.txt", "text/plain"))
                .isInstanceOf(RetryableException.class)
                .hasMessage("could not read \"remote.txt\" from the document store: connection reset")
                .hasCause(failure);
    }

    @Test
    void aParseSlowerThanTheTimeoutIsAbandonedAndItsThreadInterrupted() throws Exception {
        TikaDocumentParser quick = new TikaDocumentParser(ParseLimits.DEFAULTS.withTimeout(Duration.ofMillis(300)));
        BlockingStream stalled = new BlockingStream(true);
        long start = System.nanoTime();

        assertThatThrownBy(() -> quick.parse(stalled, "stalled.txt", "text/plain"))
                .isInstanceOf(PermanentException.class)
                .hasMessage("\"stalled.txt\" took longer than 'parseTimeout' (300 ms) to parse and was abandoned");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        awaitTrue(() -> quick.busyThreads() == 0, "the interrupted parse ended");
        assertThat(stalled.interrupted).isTrue();
    }

    @Test
    void aParseIgnoringInterruptsHoldsItsThreadUntilItsNextReadFails() throws Exception {
        TikaDocumentParser single = new TikaDocumentParser(ParseLimits.DEFAULTS.withTimeout(Duration.ofMillis(300)), 1);
        BlockingStream stubborn = new BlockingStream(false);

        assertThatThrownBy(() -> single.parse(stubborn, "stubborn.txt", "text/plain"))
                .isInstanceOf(PermanentException.class)
                .hasMessageContaining("took longer than 'parseTimeout'");
        assertThat(single.busyThreads()).isEqualTo(1);
        assertThatThrownBy(() -> single.parse(new ByteArrayInputStream(Documents.text(TEXT)), "next.txt", null))
                .isInstanceOf(RetryableException.class)
                .hasMessage("no parser thread became free for \"next.txt\" within 'parseTimeout' (300 ms): all 1"
                        + " are taken, by other parses or by abandoned ones that ignore interrupts");

        stubborn.release.countDown();
        awaitTrue(() -> single.busyThreads() == 0, "the abandoned parse ended at its next read");
        assertThat(single.parse(new ByteArrayInputStream(Documents.text(TEXT)), "next.txt", null).text())
                .isEqualTo(TEXT);
    }

    @Test
    void oneParserServesConcurrentParses() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<ParsedDocument>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String text = "Document number " + i + " about topic " + (i * 31);
                byte[] bytes = i % 2 == 0 ? Documents.docx(text) : Documents.pdf(text);
                results.add(callers.submit(() -> parser.parse(new ByteArrayInputStream(bytes), "doc", null)));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS).text())
                        .isEqualTo("Document number " + i + " about topic " + (i * 31));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void limitsAreValidatedNamingTheirVariables() {
        assertThatThrownBy(() -> new ParseLimits(0, 10, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'maxBytes'");
        assertThatThrownBy(() -> new ParseLimits(10, -1, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'maxCharacters'");
        assertThatThrownBy(() -> new ParseLimits(10, 10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'parseTimeout'");
        assertThatThrownBy(() -> new ParseLimits(10, 10, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("'parseTimeout'");
        assertThat(ParseLimits.DEFAULTS).isEqualTo(new ParseLimits(104_857_600, 5_000_000, Duration.ofMinutes(2)));
    }

    @Test
    void tidyNormalisesLinesAndCollapsesBlankRuns() {
        assertThat(TikaDocumentParser.tidy("\n\n  Title  \r\n\r\n\r\n\tcell\t\n\n\n\nend\n\n"))
                .isEqualTo("  Title\n\n\tcell\n\nend");
        assertThat(TikaDocumentParser.tidy(" \n \t\n")).isEmpty();
    }

    private ParsedDocument parse(byte[] document, String filename) {
        return parser.parse(new ByteArrayInputStream(document), filename, null);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting until %s", what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Counts the bytes read from it. */
    private static final class CountingStream extends InputStream {
        private final InputStream in;
        volatile long count;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** A few bytes of text, then a read that blocks until released, honouring interrupts or not. */
    private static final class BlockingStream extends InputStream {
        final CountDownLatch release = new CountDownLatch(1);
        private final boolean interruptible;
        private int given;
        volatile boolean interrupted;

        BlockingStream(boolean interruptible) {
            this.interruptible = interruptible;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (given < 100) {
                int n = Math.min(length, 100 - given);
                java.util.Arrays.fill(buffer, offset, offset + n, (byte) 'a');
                given += n;
                return n;
            }
            boolean wasInterrupted = false;
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (interruptible) {
                        throw new InterruptedIOException("interrupted");
                    }
                    wasInterrupted = true;
                }
            }
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
            buffer[offset] = 'a';
            return 1;
        }
    }
}
