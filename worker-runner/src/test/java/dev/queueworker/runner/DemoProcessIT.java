package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar queue-worker.jar demo} as a newcomer runs it: a real process, a fresh directory. */
class DemoProcessIT {

    private static final long DEADLINE_SECONDS = 120;

    @TempDir
    Path workingDirectory;

    @Test
    void theDemoProcessCompletesEveryTaskAndExitsZero() throws IOException, InterruptedException {
        String jar = System.getProperty("queueworker.jar");
        assertThat(jar).as("system property queueworker.jar (set by failsafe)").isNotBlank();
        assertThat(Path.of(jar)).as("the executable jar; run `mvn package` first").isRegularFile();
        Path out = Files.createTempFile("demo-", ".out");
        Path err = Files.createTempFile("demo-", ".err");
        try {
            Process process = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar, "demo")
                    .directory(workingDirectory.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            boolean exited = process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor();
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            String both = "stdout:\n" + stdout + "\nstderr:\n" + stderr;

            assertThat(exited).as("demo exited within %d s; %s", DEADLINE_SECONDS, both).isTrue();
            assertThat(process.exitValue()).as("exit code; %s", both).isZero();
            assertThat(stdout).as(both).contains("  tasks       6 of 6 completed, 0 failed")
                    .contains("webhooks    6 received, all signatures valid")
                    .containsPattern("documents   5 of 5 ingested \\(md, txt, html, pdf, docx\\), [1-9]\\d* chunks stored");
            // The display is not interleaved with engine log lines, and nothing went wrong on the side.
            assertThat(stdout.lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.*")).toList()).as(both).isEmpty();
            assertThat(stderr).as(both).doesNotContain("ERROR").doesNotContain("Exception");
            // Nothing left behind where it ran (the data directory is temporary).
            try (Stream<Path> files = Files.list(workingDirectory)) {
                List<Path> left = files.toList();
                assertThat(left).as("files left in the working directory").isEmpty();
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
