package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a main class in a child JVM on this JVM's class path, for a test that must prove a bound its
 * own JVM does not have, such as a large document streamed through a small heap.
 *
 * <pre>{@code
 * Matcher result = ChildJvm.run(StreamMain.class, "-Xmx256m", Map.of(), temp.resolve("child.log"),
 *         Pattern.compile("bytes=(\\d+)"), "209715200");
 * assertThat(Long.parseLong(result.group(1))).isEqualTo(209_715_200L);
 * }</pre>
 */
public final class ChildJvm {
    private static final long TIMEOUT_SECONDS = 90;

    private ChildJvm() {
    }

    /**
     * Runs {@code main} with one JVM option (such as {@code -Xmx256m}), the extra environment
     * variables and the arguments, its output going to {@code log}; asserts that it exits with 0
     * within 90 seconds and printed a match of {@code result}, quoting its output when not.
     *
     * @return the first match of {@code result} in the child's output
     */
    public static Matcher run(Class<?> main, String jvmOption, Map<String, String> environment, Path log,
            Pattern result, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                jvmOption, "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited).as("child exited within %d s; output:%n%s", TIMEOUT_SECONDS, output).isTrue();
        assertThat(process.exitValue()).as("child's exit code; output:%n%s", output).isZero();
        Matcher matcher = result.matcher(output);
        assertThat(matcher.find()).as("child printed its result; output:%n%s", output).isTrue();
        return matcher;
    }
}
