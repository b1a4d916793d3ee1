package dev.queueworker.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's files that the runner's tests hold against the code: its root, the variables of
 * docs/configuration.md and the settings of {@code .env.worker.example}.
 */
final class RepositoryFiles {

    /** A table row naming one or more variables in its first cell: {@code | `A` |} or {@code | `A`, `B` |}. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*(`[A-Z][A-Z0-9_]*`(?:\\s*,\\s*`[A-Z][A-Z0-9_]*`)*)\\s*\\|");
    private static final Pattern NAME_IN_CELL = Pattern.compile("`([A-Z][A-Z0-9_]*)`");
    /** A setting of a .env file, active or commented out with {@code "# "}. */
    private static final Pattern SETTING = Pattern.compile("^(# )?([A-Z][A-Z0-9_]*)=(.*)$");

    private RepositoryFiles() {
    }

    /**
     * The repository root, found by a file it holds: Maven runs the tests in the module directory
     * (the root is its parent), an IDE may run them in the root.
     */
    static Path root(String marker) {
        Path cwd = Path.of("").toAbsolutePath();
        return Stream.of(cwd.resolve(".."), cwd)
                .map(Path::normalize)
                .filter(p -> Files.isRegularFile(p.resolve(marker)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + marker + " in " + cwd
                        + " or its parent: run the test from worker-runner or the repository root"));
    }

    /** Every variable named in the first cell of a row of docs/configuration.md's tables. */
    static Set<String> documentedVariables(Path root) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(root.resolve("docs/configuration.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                Matcher name = NAME_IN_CELL.matcher(row.group(1));
                while (name.find()) {
                    names.add(name.group(1));
                }
            }
        }
        return names;
    }

    /** The settings of {@code .env.worker.example}, in file order: name to value. */
    record EnvExample(Map<String, String> active, Map<String, String> commented) {
        /** The names of all settings, active or commented out. */
        Set<String> names() {
            Set<String> names = new TreeSet<>(active.keySet());
            names.addAll(commented.keySet());
            return names;
        }
    }

    static EnvExample envExample(Path root) throws IOException {
        Map<String, String> active = new LinkedHashMap<>();
        Map<String, String> commented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve(".env.worker.example"))) {
            Matcher m = SETTING.matcher(line);
            if (m.matches()) {
                (m.group(1) == null ? active : commented).put(m.group(2), m.group(3));
            }
        }
        return new EnvExample(active, commented);
    }
}
