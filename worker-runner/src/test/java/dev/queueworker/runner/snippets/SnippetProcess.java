package dev.queueworker.runner.snippets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A documentation snippet running as a reader would run it: {@code bash -c CODE} or
 * {@code python3 FILE}, in a directory of its own, with a small environment: {@code /usr/bin} first
 * on the PATH (Debian's {@code python3}, which {@code python3-azure} is for, and {@code az}), a HOME of
 * its own (az keeps its settings there), and the variables the snippet's text says to set.
 */
final class SnippetProcess implements AutoCloseable {

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String what;

    private SnippetProcess(Process process, Path stdout, Path stderr, String what) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.what = what;
    }

    /** A finished snippet. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Starts {@code bash -c code} in {@code dir}. */
    static SnippetProcess bash(Path dir, Map<String, String> env, String code) {
        return start(dir, env, List.of("bash", "-c", code), "bash snippet");
    }

    /** Writes {@code code} to {@code dir/file} and starts {@code python3 file} there. */
    static SnippetProcess python(Path dir, Map<String, String> env, String file, String code) {
        try {
            Files.writeString(dir.resolve(file), code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Through env, so that python3 is looked up on the snippet's PATH rather than this JVM's.
        return start(dir, env, List.of("/usr/bin/env", "python3", file), "python3 " + file);
    }

    /** Runs {@code bash -c code} to its end. */
    static Result runBash(Path dir, Map<String, String> env, String code, Duration timeout) {
        try (SnippetProcess p = bash(dir, env, code)) {
            return p.awaitExit(timeout);
        }
    }

    /** Runs {@code python3 file} to its end. */
    static Result runPython(Path dir, Map<String, String> env, String file, String code, Duration timeout) {
        try (SnippetProcess p = python(dir, env, file, code)) {
            return p.awaitExit(timeout);
        }
    }

    private static SnippetProcess start(Path dir, Map<String, String> env, List<String> command, String what) {
        try {
            Files.createDirectories(dir.resolve(".home"));
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            Map<String, String> environment = pb.environment();
            String path = System.getenv("PATH");
            environment.clear();
            environment.put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin" + (path == null ? "" : ":" + path));
            environment.put("HOME", dir.resolve(".home").toString());
            environment.put("LANG", "C.UTF-8");
            environment.put("AZURE_CORE_COLLECT_TELEMETRY", "false");
            environment.putAll(env);
            Path out = Files.createTempFile(dir, "snippet-", ".out");
            Path err = Files.createTempFile(dir, "snippet-", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            return new SnippetProcess(pb.start(), out, err, what);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Waits until the standard output contains {@code text}; fails with the output when it exits or time runs out. */
    void awaitStdout(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text)) {
            if (!process.isAlive() && !stdout().contains(text)) {
                throw new AssertionError(what + " exited (" + process.exitValue() + ") before printing '" + text
                        + "'\n" + new Result(process.exitValue(), stdout(), stderr()));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not print '" + text + "' within " + timeout + "\n--- stdout\n"
                        + stdout() + "--- stderr\n" + stderr());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    Result awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(what + " did not end within " + timeout + "\n--- stdout\n" + stdout()
                        + "--- stderr\n" + stderr());
            }
            return new Result(process.exitValue(), stdout(), stderr());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
