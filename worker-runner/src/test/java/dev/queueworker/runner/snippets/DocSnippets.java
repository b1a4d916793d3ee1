package dev.queueworker.runner.snippets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fenced code blocks of the repository's Markdown (README.md, docs/, deploy/, examples/), read at
 * test time so that what the tests run is what the documentation says.
 *
 * <p>A block that runs {@code az} or Python carries a marker on the line before its fence,
 * {@code <!-- snippet: NAME -->} (invisible when rendered), by which {@code DocSnippetsIT} takes it.
 */
final class DocSnippets {

    /** One fenced block: its marker name ({@code null} without one), where it is, its info string and text. */
    record Block(String name, Path file, int line, String language, String code) {

        /** A block that calls the {@code az} CLI or Python, so a test must run it. */
        boolean runsAzOrPython() {
            return language.equals("python") || AZ_COMMAND.matcher(code).find() || code.contains("python3");
        }

        /**
         * The code with each placeholder replaced, failing when one is not in it (the docs changed).
         * Placeholders are what a reader types for their own machine: a port, a path, {@code sudo}.
         */
        String with(Map<String, String> substitutions) {
            String result = code;
            for (Map.Entry<String, String> s : substitutions.entrySet()) {
                if (!result.contains(s.getKey())) {
                    throw new AssertionError("snippet " + name + " (" + where() + ") no longer contains '" + s.getKey()
                            + "', which the test replaces with '" + s.getValue() + "':\n" + code);
                }
                result = result.replace(s.getKey(), s.getValue());
            }
            return result;
        }

        String where() {
            return file + ":" + line;
        }
    }

    private static final Pattern MARKER = Pattern.compile("^<!-- snippet: ([a-z0-9-]+) -->\\s*$");
    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
    private static final Pattern AZ_COMMAND = Pattern.compile("(^|[\\s;|&(])az\\s+[a-z]", Pattern.MULTILINE);

    private DocSnippets() {
    }

    /**
     * The repository root, found by a file it holds: Maven runs the tests in the module directory
     * (the root is its parent), an IDE may run them in the root.
     */
    static Path root() {
        String configured = System.getProperty("queueworker.repo");
        if (configured != null && Files.isDirectory(Path.of(configured, "docs"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath();
        return Stream.of(cwd.resolve(".."), cwd).map(Path::normalize)
                .filter(p -> Files.isRegularFile(p.resolve("docs/getting-started.md")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no docs/getting-started.md in " + cwd + " or its parent"));
    }

    /** Every Markdown file of the documentation, build output and dependencies left out. */
    static List<Path> markdownFiles(Path root) {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        for (String dir : List.of("docs", "deploy", "examples")) {
            try (Stream<Path> walk = Files.walk(root.resolve(dir))) {
                walk.filter(p -> p.toString().endsWith(".md"))
                        .filter(p -> !p.toString().contains("/node_modules/") && !p.toString().contains("/target/"))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Every fenced block of every documentation file. */
    static List<Block> blocks(Path root) {
        List<Block> blocks = new ArrayList<>();
        for (Path file : markdownFiles(root)) {
            blocks.addAll(blocks(root, file));
        }
        return blocks;
    }

    /** The one block marked {@code name}; fails when there is none or more than one. */
    static Block snippet(String name) {
        Path root = root();
        List<Block> found = blocks(root).stream().filter(b -> name.equals(b.name())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one block marked <!-- snippet: " + name + " --> in the docs, found "
                    + found.stream().map(Block::where).toList());
        }
        return found.get(0);
    }

    private static List<Block> blocks(Path root, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            int start = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            Matcher marker = start > 0 ? MARKER.matcher(lines.get(start - 1)) : null;
            String name = marker != null && marker.matches() ? marker.group(1) : null;
            blocks.add(new Block(name, root.relativize(file), start + 1, open.group(1), code.toString()));
        }
        return blocks;
    }
}
