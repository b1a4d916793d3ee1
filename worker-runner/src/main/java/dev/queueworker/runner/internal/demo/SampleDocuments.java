package dev.queueworker.runner.internal.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The documents the demo ingests: the samples bundled in the jar (one per format the {@code ingest}
 * task reads: Markdown, plain text, HTML, PDF and Word), or the files of a directory the user names.
 */
public final class SampleDocuments {

    /** One document to ingest. */
    public record Sample(String filename, byte[] content, String contentType) {
        /** The format as a person names it: the file's extension, such as {@code pdf}. */
        public String format() {
            int dot = filename.lastIndexOf('.');
            return dot < 0 ? "file" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
    }

    /** The sample the summarize task reads. */
    public static final String SUMMARIZED_SAMPLE = "southhaven-parking.html";

    /** A question the samples answer, for the retrieval example. */
    public static final String SAMPLE_QUESTION = "How long can I keep a library book?";

    /** Files in a user's directory beyond these are not ingested, to keep the demo a demo. */
    public static final int MAX_FILES = 50;
    public static final long MAX_FILE_BYTES = 20L * 1024 * 1024;

    private static final String RESOURCE_DIR = "/dev/queueworker/runner/demo/";
    private static final List<String> BUNDLED = List.of(
            "welcome.md",
            "operations-faq.txt",
            "southhaven-parking.html",
            "southhaven-library-lending.pdf",
            "southhaven-waste-collection.docx");
    private static final Map<String, String> TYPES = Map.of(
            "md", "text/markdown",
            "txt", "text/plain",
            "html", "text/html",
            "htm", "text/html",
            "pdf", "application/pdf",
            "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

    private SampleDocuments() {
    }

    /** The samples bundled in the jar, in the order they are ingested. */
    public static List<Sample> bundled() {
        List<Sample> samples = new ArrayList<>();
        for (String name : BUNDLED) {
            try (InputStream in = SampleDocuments.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("the sample " + name + " is missing from the jar");
                }
                samples.add(new Sample(name, in.readAllBytes(), contentType(name)));
            } catch (IOException e) {
                throw new UncheckedIOException("reading the sample " + name + " failed", e);
            }
        }
        return List.copyOf(samples);
    }

    /**
     * The regular, non-hidden files directly in {@code dir}, sorted by name.
     *
     * @throws IllegalArgumentException naming {@code --documents} when the directory cannot be used
     */
    public static List<Sample> fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--documents " + dir + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("--documents " + dir + " cannot be listed: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--documents " + dir + " holds no files");
        }
        if (files.size() > MAX_FILES) {
            throw new IllegalArgumentException("--documents " + dir + " holds " + files.size() + " files; the demo takes"
                    + " at most " + MAX_FILES + " (use `queue-worker submit` for more)");
        }
        List<Sample> samples = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            try {
                long size = Files.size(file);
                if (size > MAX_FILE_BYTES) {
                    throw new IllegalArgumentException("--documents: " + name + " has " + size / (1024 * 1024)
                            + " MB; the demo takes files of at most " + MAX_FILE_BYTES / (1024 * 1024) + " MB");
                }
                samples.add(new Sample(name, Files.readAllBytes(file), contentType(name)));
            } catch (IOException e) {
                throw new IllegalArgumentException("--documents: " + name + " cannot be read: " + e.getMessage());
            }
        }
        return List.copyOf(samples);
    }

    /** The content type of a file name's extension; null lets Tika detect it. */
    static String contentType(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(filename.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
