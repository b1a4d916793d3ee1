package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.runner.internal.config.RunnerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md, {@link RunnerConfig#VARIABLES}, {@code .env.worker.example} and the
 * environment variables the main code of every module reads cannot drift apart: a variable read
 * in the code but missing from the documentation (or documented but never read) fails here.
 */
class ConfigurationDocTest {

    /**
     * The ways main code reads an environment variable: the {@code EnvironmentVariables} readers,
     * {@code System.getenv}, the runner's variable map, and {@code *_VARIABLE} name constants.
     */
    private static final List<Pattern> READS = List.of(
            Pattern.compile("\\.(?:string|integer|duration|choice|longValue|bool)\\(\\s*\"([A-Z][A-Z0-9_]*)\""),
            Pattern.compile("System\\.getenv\\(\\s*\"([A-Z][A-Z0-9_]*)\""),
            Pattern.compile("variables\\(\\)\\.(?:get|containsKey|getOrDefault)\\(\\s*\"([A-Z][A-Z0-9_]*)\""),
            Pattern.compile("_VARIABLE\\s*=\\s*\"([A-Z][A-Z0-9_]*)\""));

    private static Path repoRoot;

    @BeforeAll
    static void findRepositoryRoot() {
        repoRoot = RepositoryFiles.root("docs/configuration.md");
    }

    @Test
    void everyDocumentedVariableIsReadAndEveryReadVariableIsDocumented() throws IOException {
        Set<String> documented = documentedVariables();
        assertThat(documented).as("variables in docs/configuration.md's tables")
                .hasSizeGreaterThan(40)
                .contains("CLIENT_ID", "SUPABASE_URL", "SUPABASE_KEY", "LOG_LEVEL");

        assertThat(documented)
                .as("documented in docs/configuration.md but not in RunnerConfig.VARIABLES (the daemon does not read it)")
                .isSubsetOf(RunnerConfig.VARIABLES);
        assertThat(RunnerConfig.VARIABLES)
                .as("in RunnerConfig.VARIABLES but missing from docs/configuration.md's tables")
                .isSubsetOf(documented)
                .doesNotHaveDuplicates();
    }

    @Test
    void everyVariableTheCodeReadsIsKnownToTheRunnerAndDocumented() throws IOException {
        Map<String, String> read = variablesReadByMainCode();
        // The scan must see the readers of each module, or it proves nothing.
        assertThat(read).as("variables found in the main code")
                .hasSizeGreaterThan(40)
                .containsKeys("WORKER_VISIBILITY_TIMEOUT", "CHUNK_SIZE", "BLOB_NAME_TEMPLATE", "WEBHOOK_SECRET",
                        "AZURE_STORAGE_CONNECTION_STRING", "WORKER_HTTP_PORT");

        Set<String> documented = documentedVariables();
        Map<String, String> notInRunner = new TreeMap<>(read);
        notInRunner.keySet().removeAll(RunnerConfig.VARIABLES);
        assertThat(notInRunner).as("read in main code (variable -> first file) but not in RunnerConfig.VARIABLES")
                .isEmpty();
        Map<String, String> undocumented = new TreeMap<>(read);
        undocumented.keySet().removeAll(documented);
        assertThat(undocumented).as("read in main code (variable -> first file) but not in docs/configuration.md")
                .isEmpty();
    }

    @Test
    void envExampleListsExactlyTheVariablesTheDaemonReads() throws IOException {
        // DeployFilesTest checks its form (required settings active, secrets empty); this checks its list.
        assertThat(RepositoryFiles.envExample(repoRoot).names()).as("variables in .env.worker.example")
                .containsExactlyInAnyOrderElementsOf(new TreeSet<>(RunnerConfig.VARIABLES));
    }

    /** Every variable named in the first cell of a table row of docs/configuration.md. */
    static Set<String> documentedVariables() throws IOException {
        return RepositoryFiles.documentedVariables(repoRoot);
    }

    /** Variable name -> the first main source file (relative to the repository) that reads it. */
    static Map<String, String> variablesReadByMainCode() throws IOException {
        List<Path> sources;
        try (Stream<Path> modules = Files.list(repoRoot)) {
            sources = modules.map(module -> module.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .flatMap(ConfigurationDocTest::javaFiles)
                    .sorted()
                    .collect(Collectors.toList());
        }
        assertThat(sources).as("main sources under */src/main/java").hasSizeGreaterThan(50);
        Map<String, String> read = new TreeMap<>();
        for (Path source : sources) {
            String text = Files.readString(source);
            for (Pattern pattern : READS) {
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    read.putIfAbsent(m.group(1), repoRoot.relativize(source).toString());
                }
            }
        }
        return read;
    }

    private static Stream<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
