package dev.queueworker.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code target/queue-worker.jar} as a real process, as an operator runs it: its own working
 * directory, only the environment given (plus PATH, HOME and LANG), standard output and error merged
 * into a log file the test can wait on. The jar's path comes from the system property
 * {@code queueworker.jar}, set by failsafe; a missing jar fails loudly.
 */
public final class QueueWorkerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private QueueWorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * What starts the daemon with SIGHUP at its default disposition, as systemd starts a service, even
     * when the tests run under {@code nohup} (an ignored SIGHUP is inherited, and the JVM then silently
     * refuses a handler for it, so a reload could not be requested): GNU env's
     * {@code --default-signal=HUP} where this machine has it, else nothing.
     */
    private static final List<String> DEFAULT_SIGNALS = defaultSignals();

    private static List<String> defaultSignals() {
        List<String> prefix = List.of("/usr/bin/env", "--default-signal=HUP");
        if (!Files.isExecutable(Path.of(prefix.get(0)))) {
            return List.of();
        }
        try {
            List<String> command = new ArrayList<>(prefix);
            command.add("true");
            Process probe = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor() == 0 ? prefix : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** The jar under test. */
    public static Path jar() {
        String configured = System.getProperty("queueworker.jar");
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            throw new IllegalStateException("queue-worker.jar not found (queueworker.jar=" + configured
                    + "): these tests run in Maven's integration-test phase, after package");
        }
        return Path.of(configured);
    }

    /** Starts {@code java -Xmx<heap> -jar queue-worker.jar args...} in {@code workDir} with {@code env}. */
    public static QueueWorkerProcess start(Path workDir, Map<String, String> env, String heap, String... args) {
        List<String> command = new ArrayList<>(DEFAULT_SIGNALS);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("LANG"));
        environment.putAll(env);
        try {
            Files.createDirectories(workDir);
            Path log = Files.createTempFile(workDir, "queue-worker-", ".log");
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new QueueWorkerProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a short command to its end and returns its exit code and output. */
    public static Result run(Path workDir, Map<String, String> env, Duration timeout, String... args) {
        try (QueueWorkerProcess p = start(workDir, env, "256m", args)) {
            int code = p.awaitExit(timeout);
            return new Result(code, p.output());
        }
    }

    /** A finished command. */
    public record Result(int exitCode, String output) {
    }

    /** Everything the process wrote so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the output contains {@code text}; fails with the output when the process exits or time runs out. */
    public void awaitOutput(String text, Duration timeout) {
        awaitCondition(() -> output().contains(text), timeout, "output containing '" + text + "'");
    }

    /** Waits until {@code condition} holds, failing when the process exits first or time runs out. */
    public void awaitCondition(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive() && !condition.getAsBoolean()) {
                throw new AssertionError("the process exited with " + process.exitValue() + " before " + what
                        + "; output:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "; output:\n" + output());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** SIGTERM, as systemd stops a service. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the exit and returns its code; kills the process and fails when it does not exit in time. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the process did not exit within " + timeout + "; output:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
