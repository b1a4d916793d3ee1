package dev.queueworker.test;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Azurite process for integration tests, on free ports with its own data directory (disk
 * persistence), that a test can stop and start again to simulate an outage.
 *
 * <p>The executable comes from the system property {@code azurite.executable} (set by the build to
 * the copy {@code scripts/setup.sh} installs). A missing Azurite fails the test loudly: these tests
 * never skip themselves.
 */
public final class Azurite implements AutoCloseable {
    private static final String ACCOUNT = "devstoreaccount1";
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Path executable;
    private final Path dataDir;
    private final int blobPort;
    private final int queuePort;
    private final Path log;
    private Process process;

    private Azurite(Path executable, Path dataDir, int blobPort, int queuePort) {
        this.executable = executable;
        this.dataDir = dataDir;
        this.blobPort = blobPort;
        this.queuePort = queuePort;
        this.log = dataDir.resolve("azurite.log");
    }

    /** Starts a fresh Azurite on free ports. */
    public static Azurite start() {
        String configured = System.getProperty("azurite.executable");
        if (configured == null || !Files.isExecutable(Path.of(configured))) {
            throw new IllegalStateException("Azurite is not installed (azurite.executable=" + configured
                    + "): run ./scripts/setup.sh, or the README's test command ./scripts/test.sh");
        }
        try {
            Path dir = Files.createTempDirectory("azurite-");
            Azurite azurite = new Azurite(Path.of(configured), dir, freePort(), freePort());
            azurite.startProcess();
            return azurite;
        } catch (IOException e) {
            throw new IllegalStateException("could not start Azurite", e);
        }
    }

    /** A connection string for this instance, as a frontend or the worker would use it. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=http://127.0.0.1:" + blobPort + "/" + ACCOUNT
                + ";QueueEndpoint=http://127.0.0.1:" + queuePort + "/" + ACCOUNT + ";";
    }

    public int queuePort() {
        return queuePort;
    }

    public int blobPort() {
        return blobPort;
    }

    /**
     * Stops the process as an operator or a host shutdown would (SIGTERM, then SIGKILL after 10 s);
     * its data stays on disk.
     */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts the process again on the same ports and data. */
    public synchronized void restart() {
        stop();
        startProcess();
    }

    private synchronized void startProcess() {
        List<String> command = List.of(executable.toString(), "--silent", "--skipApiVersionCheck", "--loose",
                "--location", dataDir.toString(), "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(blobPort),
                "--queueHost", "127.0.0.1", "--queuePort", Integer.toString(queuePort), "--tableHost", "127.0.0.1",
                "--tablePort", "0");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + executable, e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(listening(blobPort) && listening(queuePort))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Azurite did not listen within 30 s; see " + log);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Kills the process (SIGKILL: its data is deleted next, so nothing is gained by a graceful stop,
     * which waits for the clients' keep-alive connections to close) and deletes its data.
     */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        deleteQuietly(dataDir.toFile());
    }

    private static void deleteQuietly(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteQuietly(child);
            }
        }
        file.delete();
    }
}
