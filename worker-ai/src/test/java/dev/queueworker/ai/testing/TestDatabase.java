package dev.queueworker.ai.testing;

import dev.queueworker.ai.internal.store.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The PostgreSQL 15 + pgvector database of the tests, started by {@code ./scripts/setup.sh}.
 *
 * <p>Its URL comes from the system property {@code test.database.url}, else the environment
 * variable {@code TEST_DATABASE_URL}, else the server setup starts on {@code PG_PORT} (the same
 * variable {@code scripts/setup.sh} takes, default {@value #DEFAULT_PORT}):
 * {@code postgresql://queueworker:queueworker@127.0.0.1:PG_PORT/queueworker_test}. A plain
 * {@code DATABASE_URL} in the shell is not used, as it may name a database that is not for tests.
 * Tests never skip when it is missing: {@link #url()} and {@link #connect()} fail, saying to run the
 * setup script. Each test takes a table of its own from {@link #newTableName()} and drops it with
 * {@link #dropTable}.
 */
public final class TestDatabase {
    /** The port of {@code scripts/setup.sh}'s server when {@code PG_PORT} is not set. */
    public static final int DEFAULT_PORT = 55432;

    private static volatile boolean reachable;

    private TestDatabase() {
    }

    /** The database URL, after checking once that the database answers. */
    public static DatabaseUrl url() {
        DatabaseUrl url = configuredUrl();
        if (!reachable) {
            try (Connection connection = open(url)) {
                reachable = connection.isValid(5);
            } catch (SQLException e) {
                throw new AssertionError("the test database " + url + " cannot be reached (" + e.getMessage()
                        + "): run ./scripts/setup.sh to install and start PostgreSQL 15 with pgvector (with the"
                        + " same PG_PORT as these tests), or set test.database.url / TEST_DATABASE_URL", e);
            }
        }
        return url;
    }

    /** The database URL as text, as {@code DATABASE_URL} would hold it, after checking that it answers. */
    public static String urlString() {
        url();
        return configuredString();
    }

    /** A plain JDBC connection to the test database, for assertions on the rows themselves. */
    public static Connection connect() {
        DatabaseUrl url = url();
        try {
            return open(url);
        } catch (SQLException e) {
            throw new AssertionError("cannot connect to the test database " + url + ": " + e.getMessage(), e);
        }
    }

    /** A table name no other test uses. */
    public static String newTableName() {
        return "chunks_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** Drops a test's table, if it was created. */
    public static void dropTable(String table) {
        if (!table.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a test table name: " + table);
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new AssertionError("cannot drop test table " + table + ": " + e.getMessage(), e);
        }
    }

    private static DatabaseUrl configuredUrl() {
        return DatabaseUrl.parse(configuredString());
    }

    private static String configuredString() {
        String value = System.getProperty("test.database.url");
        if (value == null || value.isBlank()) {
            value = System.getenv("TEST_DATABASE_URL");
        }
        return value == null || value.isBlank() ? setupUrl(System.getenv("PG_PORT")) : value.trim();
    }

    /** The URL of the server {@code scripts/setup.sh} starts on the port {@code PG_PORT} (or the default). */
    static String setupUrl(String pgPort) {
        int port = DEFAULT_PORT;
        if (pgPort != null && !pgPort.isBlank()) {
            try {
                port = Integer.parseInt(pgPort.trim());
            } catch (NumberFormatException e) {
                throw new AssertionError("PG_PORT must be a port number, was '" + pgPort + "'", e);
            }
        }
        return "postgresql://queueworker:queueworker@127.0.0.1:" + port + "/queueworker_test";
    }

    private static Connection open(DatabaseUrl url) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(url.parameters());
        properties.setProperty("user", url.user());
        if (url.password() != null) {
            properties.setProperty("password", url.password());
        }
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url.jdbcUrl(), properties);
    }
}
