package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs deploy/systemd/install-worker-service.sh and systemd-analyze, and reads what they wrote. */
final class InstallScript {
    private InstallScript() {
    }

    static Path script() {
        return RepositoryFiles.root("deploy/systemd/install-worker-service.sh")
                .resolve("deploy/systemd/install-worker-service.sh");
    }

    static String systemdAnalyze() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "systemd-analyze"))) {
                return Path.of(entry, "systemd-analyze").toString();
            }
        }
        throw new AssertionError("systemd-analyze is not on the PATH (" + path + "): the deployment tests need it"
                + " to check the systemd units; install systemd 252 or later (Debian/Ubuntu: apt-get install systemd)");
    }

    static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new AssertionError("cannot tell the path of the running java"));
    }

    static Result run(List<String> command) throws Exception {
        Path out = Files.createTempFile("deploy-test", ".out");
        Path err = Files.createTempFile("deploy-test", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("SYSTEMD_COLORS", "0");
            builder.environment().put("SYSTEMD_PAGER", "cat");
            builder.environment().put("LC_ALL", "C.UTF-8");
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out after 120 s: " + String.join(" ", command));
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Every file and directory under {@code root}, relative, directories with a trailing '/'. */
    static List<String> tree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> !p.equals(root))
                    .map(p -> root.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""))
                    .sorted()
                    .toList();
        }
    }

    /** Every file under {@code root} with its text. */
    static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        for (String entry : tree(root)) {
            if (!entry.endsWith("/")) {
                files.put(entry, Files.readString(root.resolve(entry)));
            }
        }
        return files;
    }

    /** The value of the one {@code name=} line. */
    static String directive(List<String> lines, String name) {
        List<String> values = lines.stream()
                .filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1))
                .toList();
        assertThat(values).as(name + "= lines").hasSize(1);
        return values.get(0);
    }

    record Result(List<String> command, int exit, String stdout, String stderr) {
        String describe() {
            return String.join(" ", command) + "\nexit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
