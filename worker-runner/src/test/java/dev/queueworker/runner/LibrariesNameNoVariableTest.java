package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.runner.internal.config.RunnerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Libraries speak options; the runner speaks variables (issue 15): no main source of worker-api,
 * worker-core, worker-azure or worker-ai names one of the daemon's variables, in code, messages or
 * javadoc. A Java constant of the same spelling ({@code TaskMessage.WEBHOOK_URL}, the field
 * {@code webhook_url}) is not a variable: only names in comments and string literals count.
 */
class LibrariesNameNoVariableTest {

    private static final List<String> LIBRARIES = List.of("worker-api", "worker-core", "worker-azure", "worker-ai");

    /**
     * Known exceptions, each with its reason: pgvector's advisory-lock key keeps its old text so that
     * workers of different versions share the lock.
     */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "worker-ai/src/main/java/dev/queueworker/ai/internal/store/PgVectorTable.java",
            Set.of("PGVECTOR_TABLE"));

    @Test
    void noLibraryNamesAnEnvironmentVariable() throws IOException {
        Path root = RepositoryFiles.root("docs/configuration.md");
        Pattern names = Pattern.compile("(?<![.\\w])(" + String.join("|", RunnerConfig.VARIABLES) + ")(?!\\w)");
        List<String> found = new ArrayList<>();
        for (String module : LIBRARIES) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String relative = root.relativize(file).toString().replace('\\', '/');
                    String[] lines = Files.readString(file).split("\n", -1);
                    for (int i = 0; i < lines.length; i++) {
                        Matcher m = names.matcher(lines[i]);
                        while (m.find()) {
                            if (namesVariable(lines[i], m.start()) && !ALLOWED.getOrDefault(relative, Set.of()).contains(m.group(1))) {
                                found.add(relative + ":" + (i + 1) + " " + m.group(1));
                            }
                        }
                    }
                }
            }
        }
        assertThat(found).as("environment variables named in library code").isEmpty();
    }

    /** In a comment or a string literal: a name there is text; elsewhere it is a Java identifier. */
    private static boolean namesVariable(String line, int at) {
        String trimmed = line.strip();
        if (trimmed.startsWith("*") || trimmed.startsWith("/*") || trimmed.startsWith("//")) {
            return true;
        }
        int comment = line.indexOf("//");
        if (comment >= 0 && comment < at) {
            return true;
        }
        long quotes = line.substring(0, at).replace("\\\"", "").chars().filter(c -> c == '"').count();
        return quotes % 2 == 1;
    }
}
