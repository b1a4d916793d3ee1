package dev.queueworker.ai.internal.parse;

import dev.queueworker.api.PermanentException;
import dev.queueworker.api.RetryableException;
import java.io.InputStream;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.UnsupportedFormatException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.parser.ParseRecord;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.ToTextContentHandler;
import org.apache.tika.sax.WriteOutContentHandler;

/**
 * Extracts the text of a document with Apache Tika's auto-detection, within {@link ParseLimits}.
 *
 * <pre>{@code
 * TikaDocumentParser parser = new TikaDocumentParser(ParseLimits.DEFAULTS);
 * try (Document document = context.documents().open(name)) {
 *     ParsedDocument parsed = parser.parse(document.content(), filename, document.contentType());
 * }
 * }</pre>
 *
 * <p>The type is detected from the bytes; the file name and declared content type are only hints,
 * so a mislabelled file is still read as what it is. Embedded documents (attachments, files in an
 * archive) are extracted too, and Tika's zip-bomb protection ({@code SecureContentHandler}) applies.
 * Images are not OCR'd.
 *
 * <p>Every failure is a {@link PermanentException} whose message names the file and says what is
 * wrong (empty, no text, not text, encrypted, corrupt, unsupported, a zip bomb, too large, too slow), except a
 * failure of the given stream itself, which is a {@link RetryableException}.
 *
 * <p>Thread-safe and reusable: one instance serves all tasks. Each parse runs on a daemon thread of
 * this parser so that it can be abandoned at {@link ParseLimits#timeout()}: the thread is interrupted
 * and every further read of the document's stream fails, which stops the parsers that read the
 * stream or honour interrupts. A parser that does neither (working on a spooled temporary file in a
 * loop) keeps its thread until it ends by itself; at most {@value #DEFAULT_MAX_PARSER_THREADS} such
 * threads exist per instance, and once all are taken, further parses wait up to their own timeout for
 * one and then fail as retryable.
 */
public final class TikaDocumentParser {
    /** Most parses (running or abandoned but not yet ended) at once per instance. */
    static final int DEFAULT_MAX_PARSER_THREADS = 32;

    private static final int MAX_REASON_LENGTH = 300;
    /** The most control characters and invalid bytes, in percent, that a text document may hold. */
    static final int MAX_NOISE_PERCENT = 10;
    /** How many characters of a text document are checked for noise. */
    static final int NOISE_SAMPLE = 65_536;
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final Map<String, String> FORMAT_NAMES = Map.ofEntries(
            Map.entry("application/pdf", "PDF"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
            Map.entry("application/msword", "DOC"),
            Map.entry("application/vnd.ms-powerpoint", "PPT"),
            Map.entry("application/vnd.ms-excel", "XLS"),
            Map.entry("application/vnd.oasis.opendocument.text", "ODT"),
            Map.entry("application/rtf", "RTF"),
            Map.entry("text/html", "HTML"),
            Map.entry("application/xhtml+xml", "XHTML"),
            Map.entry("application/epub+zip", "EPUB"),
            Map.entry("text/markdown", "Markdown"),
            Map.entry("text/x-web-markdown", "Markdown"),
            Map.entry("text/plain", "plain text"),
            Map.entry("text/csv", "CSV"),
            Map.entry("application/zip", "ZIP"),
            Map.entry("application/xml", "XML"));

    private final ParseLimits limits;
    private final int maxThreads;
    private final Semaphore threads;
    private final ExecutorService executor;

    /** A parser bounded by {@code limits}. */
    public TikaDocumentParser(ParseLimits limits) {
        this(limits, DEFAULT_MAX_PARSER_THREADS);
    }

    TikaDocumentParser(ParseLimits limits, int maxThreads) {
        this.limits = Objects.requireNonNull(limits, "'limits' cannot be null.");
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be at least 1, was " + maxThreads);
        }
        Tika.load(); // here rather than in the first parse, where it would count against its timeout
        this.maxThreads = maxThreads;
        this.threads = new Semaphore(maxThreads);
        // Threads are bounded by the semaphore, idle ones end after a while, and being daemons, a
        // parse that never ends cannot keep the JVM alive.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "tika-parse-" + THREAD_NUMBER.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.executor = pool;
    }

    /** The limits this parser applies. */
    public ParseLimits limits() {
        return limits;
    }

    /**
     * Extracts the text of a document of unknown size.
     *
     * @see #parse(InputStream, String, String, long)
     */
    public ParsedDocument parse(InputStream content, String filename, String declaredContentType) {
        return parse(content, filename, declaredContentType, -1);
    }

    /**
     * Extracts the text of a document, reading {@code content} as a stream (Tika may spool some
     * formats, such as ZIP-based ones and PDF, to a temporary file). The stream is not closed; close it
     * after this returns, also after a failure.
     *
     * @param content             the document's bytes
     * @param filename            the document's name, a detection hint and the name used in messages
     * @param declaredContentType the content type the document was stored with, a detection hint; may
     *                            be null
     * @param size                the document's size in bytes if known, else -1; a document known to be
     *                            larger than {@link ParseLimits#maxBytes()} fails before it is read
     * @return the text, never blank
     * @throws PermanentException the document cannot give text: empty, blank, binary bytes read as
     *                            text, encrypted, corrupt, unsupported, a zip bomb, larger than
     *                            {@code maxBytes} or slower than {@code parseTimeout}
     * @throws RetryableException reading {@code content} failed, the calling thread was interrupted,
     *                            or no parser thread became free in time
     */
    public ParsedDocument parse(InputStream content, String filename, String declaredContentType, long size) {
        Objects.requireNonNull(content, "'content' cannot be null.");
        String name = filename == null || filename.isBlank() ? "the document" : '"' + filename + '"';
        if (size > limits.maxBytes()) {
            throw tooLarge(name, "it is " + size + " bytes");
        }
        MeteredInputStream metered = new MeteredInputStream(content, limits.maxBytes());
        Metadata metadata = new Metadata();
        if (filename != null && !filename.isBlank()) {
            metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, filename);
        }
        if (declaredContentType != null && !declaredContentType.isBlank()) {
            metadata.set(Metadata.CONTENT_TYPE, declaredContentType);
        }
        if (size >= 0) {
            metadata.set(Metadata.CONTENT_LENGTH, Long.toString(size));
        }

        try {
            if (!threads.tryAcquire(limits.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new RetryableException("no parser thread became free for " + name + " within 'parseTimeout' ("
                        + describe(limits.timeout()) + "): all " + maxThreads
                        + " are taken, by other parses or by abandoned ones that ignore interrupts");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted before parsing " + name, e);
        }
        // The timeout counts from here: waiting for a thread is not the document's fault.
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        FutureTask<Extraction> future = new FutureTask<>(() -> extract(metered, metadata));
        try {
            executor.execute(() -> {
                try {
                    future.run(); // does nothing if cancelled before it started; the thread is released all the same
                } finally {
                    threads.release();
                }
            });
        } catch (RuntimeException e) {
            threads.release();
            throw e;
        }

        Extraction extraction = null;
        Throwable failure = null;
        try {
            extraction = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            metered.abandon();
            future.cancel(true);
            throw new PermanentException(name + " took longer than 'parseTimeout' (" + describe(limits.timeout())
                    + ") to parse and was abandoned");
        } catch (InterruptedException e) {
            metered.abandon();
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted while parsing " + name, e);
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        return outcome(name, metered, metadata, extraction, failure);
    }

    /** Parses still holding a thread, abandoned ones included. For tests. */
    int busyThreads() {
        return maxThreads - threads.availablePermits();
    }

    private Extraction extract(MeteredInputStream in, Metadata metadata) throws Exception {
        StringWriter text = new StringWriter();
        ParseContext context = new ParseContext();
        context.set(Parser.class, Tika.PARSER); // embedded documents are parsed too
        ParseRecord record = new ParseRecord();
        context.set(ParseRecord.class, record);
        TesseractOCRConfig ocr = new TesseractOCRConfig();
        ocr.setSkipOcr(true);
        context.set(TesseractOCRConfig.class, ocr);
        // Not BodyContentHandler(limit): that throws at the limit and the text is lost with it.
        WriteOutContentHandler limited = new WriteOutContentHandler(new ToTextContentHandler(text),
                limits.maxCharacters(), false, context);
        DropDetector dropped = new DropDetector(limited, limits.maxCharacters());
        Set<String> furniture;
        // Shielded: the caller still reads the rest of the stream (to hash it) after the parse.
        try (TikaInputStream tis = TikaInputStream.get(org.apache.commons.io.input.CloseShieldInputStream.wrap(in))) {
            furniture = ZipContainer.inspect(tis);
            Tika.PARSER.parse(tis, new BodyContentHandler(new PageMarks(dropped)), metadata, context);
        }
        // Failures of embedded documents are recorded, not thrown, and their text is just missing; but
        // a zip bomb inside an archive makes the archive one.
        Exception bomb = record.getExceptions().stream().filter(TikaDocumentParser::isZipBomb).findFirst().orElse(null);
        return new Extraction(text.toString(), dropped.textDropped, bomb, furniture);
    }

    private ParsedDocument outcome(String name, MeteredInputStream in, Metadata metadata, Extraction extraction,
            Throwable failure) {
        if (in.tooLarge()) {
            throw tooLarge(name, "reading stopped at " + in.count() + " bytes");
        }
        if (in.sourceFailure() != null) {
            throw new RetryableException("could not read " + name + " from the document store: "
                    + oneLine(in.sourceFailure()), in.sourceFailure());
        }
        String mediaType = mediaType(metadata);
        if (in.count() == 0 || has(failure, ZeroByteFileException.class)) {
            throw new PermanentException(name + " is empty (0 bytes)", failure);
        }
        if (failure != null) {
            throw classify(name, mediaType, failure);
        }
        if (extraction.embeddedZipBomb() != null) {
            throw zipBomb(name, extraction.embeddedZipBomb());
        }
        PageBoilerplate.Stripped furniture = DocxFurniture.morePagesThanOne(metadata, extraction.text())
                ? PageBoilerplate.stripLines(extraction.text(), extraction.furniture())
                : new PageBoilerplate.Stripped(extraction.text(), 0);
        PageBoilerplate.Stripped stripped = PageBoilerplate.strip(furniture.text());
        String text = tidy(stripped.text());
        if (text.isEmpty() && !tidy(extraction.text()).isEmpty()) {
            text = tidy(extraction.text().replace(PageBoilerplate.PAGE_BREAK, '\n')); // nothing but boilerplate: keep it
        }
        if (text.isEmpty()) {
            if (!Tika.supports(mediaType)) {
                throw unsupported(name, mediaType, null);
            }
            throw new PermanentException(name + " contains no text (detected " + formatName(mediaType)
                    + "); scanned images are not OCR'd");
        }
        if (mediaType.startsWith("text/")) {
            refuseNoise(name, mediaType, metadata, extraction.text());
        }
        return new ParsedDocument(text, text.length(), extraction.truncated(), mediaType, in.count(),
                furniture.linesRemoved() + stripped.linesRemoved());
    }

    /**
     * A file detected as text only because its name or declared type says so (bytes without a magic
     * number) is decoded whatever it holds; a binary one then yields noise, which would be split,
     * embedded and stored as if it were text. Text holds almost no {@linkplain #isNoise noise
     * characters} and random bytes hold many, whatever encoding Tika guesses for them (about 13 % as
     * windows-1252, 15 % as UTF-16, most as UTF-8), so a text document with more than
     * {@value #MAX_NOISE_PERCENT} % of them in its first {@value #NOISE_SAMPLE} characters is refused.
     */
    private static void refuseNoise(String name, String mediaType, Metadata metadata, String raw) {
        int sample = Math.min(raw.length(), NOISE_SAMPLE);
        int characters = raw.codePointCount(0, sample);
        long noise = raw.substring(0, sample).codePoints().filter(TikaDocumentParser::isNoise).count();
        if (noise * 100 > (long) MAX_NOISE_PERCENT * characters) {
            String encoding = metadata.get(Metadata.CONTENT_ENCODING);
            throw new PermanentException(String.format(Locale.ROOT,
                    "%s is not text although it was detected as %s: %d%% of its first %,d characters are"
                            + " control, unassigned or private-use characters or bytes invalid in its encoding%s;"
                            + " check the file and the content type it was stored with",
                    name, formatName(mediaType), Math.round(noise * 100.0 / characters), characters,
                    encoding == null ? "" : " (read as " + encoding + ")"));
        }
    }

    /**
     * A character that text hardly ever holds: a control character other than tab, line feed,
     * carriage return and form feed; an unassigned or private-use code point or a lone surrogate; or
     * U+FFFD, which replaces bytes invalid in the encoding (and, in Tika's output, the control
     * characters XML cannot hold, such as the escapes that colour a terminal log: about 5 % of a
     * coloured log's characters, under the limit).
     */
    static boolean isNoise(int codePoint) {
        if (codePoint == '\t' || codePoint == '\n' || codePoint == '\r' || codePoint == '\f') {
            return false;
        }
        int type = Character.getType(codePoint);
        return codePoint == 0xFFFD || type == Character.CONTROL || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    private RuntimeException classify(String name, String mediaType, Throwable failure) {
        if (has(failure, EncryptedDocumentException.class) || hasClassNamed(failure, "InvalidPasswordException")
                || hasClassNamed(failure, "EncryptedDocumentException")) {
            return new PermanentException(name + " is encrypted or password-protected; remove the password and"
                    + " upload it again", failure);
        }
        if (isZipBomb(failure)) {
            return zipBomb(name, failure);
        }
        if (has(failure, UnsupportedFormatException.class)) {
            return unsupported(name, mediaType, failure);
        }
        if (failure instanceof Error error) {
            throw error; // out of memory and the like: not the document's fault alone
        }
        return new PermanentException(name + " could not be read as " + formatName(mediaType) + ": "
                + reason(failure), failure);
    }

    private PermanentException tooLarge(String name, String size) {
        return new PermanentException(name + " is larger than 'maxBytes': " + size + ", the limit is "
                + limits.maxBytes() + " bytes" + binaryUnits(limits.maxBytes()));
    }

    private static PermanentException zipBomb(String name, Throwable cause) {
        return new PermanentException(name + " looks like a zip bomb: it expands far beyond its size or nests too"
                + " deeply, so it was not extracted", cause);
    }

    private static PermanentException unsupported(String name, String mediaType, Throwable cause) {
        return new PermanentException(name + " is in a format text cannot be extracted from (detected "
                + mediaType + ")", cause);
    }

    private static boolean isZipBomb(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StackOverflowError) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("zip bomb")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasClassNamed(Throwable failure, String simpleName) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message: Tika's own wrappers ("Unable to extract PDF content") say least. */
    private static String reason(Throwable failure) {
        String reason = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                reason = oneLine(t);
            }
        }
        return reason != null ? reason : failure.getClass().getSimpleName();
    }

    private static String oneLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        message = message.strip().replaceAll("\\s+", " ");
        return message.length() <= MAX_REASON_LENGTH ? message : message.substring(0, MAX_REASON_LENGTH) + "…";
    }

    private static String mediaType(Metadata metadata) {
        String value = metadata.get(Metadata.CONTENT_TYPE);
        MediaType type = value == null ? null : MediaType.parse(value);
        return type == null ? MediaType.OCTET_STREAM.toString() : type.getBaseType().toString();
    }

    private static String formatName(String mediaType) {
        return FORMAT_NAMES.getOrDefault(mediaType, mediaType);
    }

    /** " (100.0 MiB)" and the like, or nothing below 1 KiB. */
    private static String binaryUnits(long bytes) {
        if (bytes >= 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, " (%.1f GiB)", bytes / (1024.0 * 1024 * 1024));
        }
        if (bytes >= 1024L * 1024) {
            return String.format(Locale.ROOT, " (%.1f MiB)", bytes / (1024.0 * 1024));
        }
        return bytes >= 1024 ? String.format(Locale.ROOT, " (%.1f KiB)", bytes / 1024.0) : "";
    }

    private static String describe(Duration duration) {
        if (duration.toMillis() < 1000) {
            return duration.toMillis() + " ms";
        }
        if (duration.toMillis() % 60_000 == 0) {
            return duration.toMinutes() + " min";
        }
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /**
     * Line endings as {@code \n}, trailing spaces gone, runs of blank lines as one, the whole trimmed:
     * Tika's output of tables and slides is full of them.
     */
    static String tidy(String raw) {
        StringBuilder text = new StringBuilder(raw.length());
        boolean previousBlank = true; // so leading blank lines go
        int length = raw.length();
        int start = 0;
        while (start <= length) {
            int end = start;
            while (end < length && raw.charAt(end) != '\n' && raw.charAt(end) != '\r') {
                end++;
            }
            int trimmed = end;
            while (trimmed > start && Character.isWhitespace(raw.charAt(trimmed - 1))) {
                trimmed--;
            }
            boolean blank = trimmed == start;
            if (!blank) {
                text.append(raw, start, trimmed).append('\n');
            } else if (!previousBlank) {
                text.append('\n');
            }
            previousBlank = blank;
            if (end < length && raw.charAt(end) == '\r' && end + 1 < length && raw.charAt(end + 1) == '\n') {
                end++;
            }
            start = end + 1;
        }
        int last = text.length();
        while (last > 0 && text.charAt(last - 1) == '\n') {
            last--;
        }
        text.setLength(last);
        return text.toString();
    }

    private record Extraction(String text, boolean truncated, Exception embeddedZipBomb, Set<String> furniture) {
    }

    /** One auto-detecting parser for all instances: loading Tika's parsers takes a while, and it is stateless. */
    private static final class Tika {
        static final AutoDetectParser PARSER = new AutoDetectParser();
        static final Map<MediaType, Parser> PARSERS = PARSER.getParsers(new ParseContext());

        static void load() {
            // Initialising the class is the work.
        }

        static boolean supports(String mediaType) {
            MediaTypeRegistry registry = PARSER.getMediaTypeRegistry();
            for (MediaType type = MediaType.parse(mediaType); type != null; type = registry.getSupertype(type)) {
                if (PARSERS.containsKey(type)) {
                    return true;
                }
            }
            return false;
        }
    }
}
