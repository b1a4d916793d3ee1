package dev.queueworker.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL 15 server with pgvector for integration tests: its own cluster in a
 * temporary directory, on a free port on 127.0.0.1, that a test may stop, start and restart to
 * simulate an outage without touching the project's shared server.
 *
 * <pre>{@code
 * try (PostgresServer postgres = PostgresServer.start()) {
 *     String url = postgres.databaseUrl();   // postgresql://queueworker:queueworker@127.0.0.1:PORT/queueworker
 *     ...
 *     postgres.stop();                       // connections are refused now
 *     postgres.restart();                    // same port, same data
 * }                                          // stopped and deleted
 * }</pre>
 *
 * <p>The binaries come from the system property {@code postgres.bin} (default
 * {@code /usr/lib/postgresql/15/bin}); pgvector must be installed for them, as {@code scripts/setup.sh}
 * does. A missing installation fails the test loudly. PostgreSQL refuses to run as root, so when the
 * tests run as root every command runs as the {@code postgres} user ({@code runuser -u postgres --})
 * and the cluster's directory belongs to that user. The server listens on 127.0.0.1 only, with its
 * Unix socket in the data directory; durability settings are off, as the data is thrown away.
 *
 * <p>The database {@value #DATABASE} belongs to the role {@value #USER} (password {@value #PASSWORD})
 * and has the {@code vector} extension. Not thread-safe: one test drives one server.
 */
public final class PostgresServer implements AutoCloseable {

    /** The application role. */
    public static final String USER = "queueworker";
    /** The application role's password. */
    public static final String PASSWORD = "queueworker";
    /** The database, owned by {@link #USER}, with the {@code vector} extension. */
    public static final String DATABASE = "queueworker";

    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final Path bin;
    private final Path root;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgresUser;
    private boolean running;

    private PostgresServer(Path bin, Path root, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.root = root;
        this.dataDir = root.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Creates a cluster, starts it on a free port, and creates the role, the database and the
     * {@code vector} extension.
     *
     * @throws IllegalStateException when PostgreSQL or pgvector is not installed, or a step fails (with its output)
     */
    public static PostgresServer start() {
        Path bin = Path.of(System.getProperty("postgres.bin", "/usr/lib/postgresql/15/bin"));
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new IllegalStateException("PostgreSQL 15 is not installed in " + bin
                    + " (system property postgres.bin): run ./scripts/setup.sh");
        }
        boolean root = isRoot();
        PostgresServer server;
        try {
            // Under /tmp with a 0755 parent, so the postgres user can reach its directory.
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "queueworker-pg-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            server = new PostgresServer(bin, dir, freePort(), root);
            Files.createDirectory(server.dataDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            if (root) {
                UserPrincipal postgres = server.dataDir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(server.dataDir, postgres);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not prepare a directory for PostgreSQL under /tmp"
                    + (root ? " owned by the postgres user (does it exist?)" : ""), e);
        }
        try {
            server.run(List.of(bin.resolve("initdb").toString(), "-D", server.dataDir.toString(), "-U", "postgres",
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
            server.startProcess();
            server.psql("postgres", "CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            server.psql("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + USER);
            server.psql(DATABASE, "CREATE EXTENSION vector");
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code postgresql://queueworker:queueworker@127.0.0.1:PORT/queueworker}, as {@code DATABASE_URL} takes it. */
    public String databaseUrl() {
        return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The same database as a JDBC URL (user and password to be passed separately). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The directory holding the cluster (in {@code data}); {@link #close()} deletes it. */
    public Path directory() {
        return root;
    }

    public int port() {
        return port;
    }

    /** Whether the server was started and not stopped since. */
    public boolean isRunning() {
        return running;
    }

    /** Starts the server process on the same port and data; waits until it accepts connections. */
    private void startProcess() {
        if (running) {
            return;
        }
        // A killed server leaves its pid file behind, which would make postgres refuse to start.
        Path pid = dataDir.resolve("postmaster.pid");
        if (Files.exists(pid)) {
            try {
                String first = Files.readAllLines(pid, StandardCharsets.UTF_8).get(0).strip();
                if (ProcessHandle.of(Long.parseLong(first)).isEmpty()) {
                    Files.delete(pid);
                }
            } catch (IOException | RuntimeException e) {
                // pg_ctl reports what is wrong
            }
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
                dataDir.resolve("server.log").toString(), "-w", "-t", "30", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dataDir
                        // Fast without flushing to disk, yet a commit it confirmed survives a crash of the
                        // server (stopImmediately()): synchronous_commit stays on.
                        + " -c fsync=off -c full_page_writes=off", "start"));
        running = true;
    }

    /** Stops the server as an operator would ({@code pg_ctl stop -m fast}: sessions are ended, data stays). */
    public void stop() {
        stop("fast");
    }

    /**
     * Stops the server at once ({@code pg_ctl stop -m immediate}), as a crash or a power cut would:
     * no checkpoint; the next start recovers from the write-ahead log.
     */
    public void stopImmediately() {
        stop("immediate");
    }

    private void stop(String mode) {
        if (!running) {
            return;
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", mode, "-w", "-t", "30", "stop"));
        running = false;
    }

    /**
     * Starts the server again on the same port and data, stopping it first when it runs (as
     * {@link Azurite#restart()} does); waits until it accepts connections.
     */
    public void restart() {
        stop();
        startProcess();
    }

    /**
     * Runs SQL as the superuser in the database {@value #DATABASE} (over the Unix socket), such as
     * {@code DROP EXTENSION vector} to test what a missing extension looks like.
     *
     * @return psql's output (unaligned, tuples only)
     * @throws IllegalStateException when the statement fails, with psql's message
     */
    public String execute(String sql) {
        return psql(DATABASE, sql);
    }

    /** Runs SQL as the superuser in {@code database}; see {@link #execute(String)}. */
    public String psql(String database, String sql) {
        return run(List.of(bin.resolve("psql").toString(), "-h", dataDir.toString(), "-p", Integer.toString(port),
                "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql)).strip();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        try {
            if (running) {
                stop("immediate");
            }
        } finally {
            deleteQuietly(root.toFile());
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[127.0.0.1:" + port + ", " + dataDir + "]";
    }

    /** Runs a command (as the postgres user when we are root), from /, and returns its output. */
    private String run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = null;
        try {
            output = Files.createTempFile("queueworker-pg-cmd-", ".log");
            Process process = new ProcessBuilder(full).directory(new File("/")).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + COMMAND_TIMEOUT_SECONDS + " s" + serverLogTail());
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command.get(0).substring(command.get(0).lastIndexOf('/') + 1)
                        + " failed with exit code " + process.exitValue() + ": " + text.strip() + serverLogTail());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private String serverLogTail() {
        Path log = dataDir.resolve("server.log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\nlast lines of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
