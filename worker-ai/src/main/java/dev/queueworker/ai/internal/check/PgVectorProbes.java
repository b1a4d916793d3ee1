package dev.queueworker.ai.internal.check;

import dev.queueworker.ai.internal.store.DatabaseUrl;
import dev.queueworker.ai.internal.store.TableShape;
import dev.queueworker.api.ConnectivityProbe;
import dev.queueworker.api.ProbeResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/**
 * The probes of the pgvector chunk store: {@code vector store} (PostgreSQL answers and has pgvector,
 * or the user may enable it) and {@code vector table} (the table is a chunk table of the model's
 * dimension, or does not exist yet), read over one connection by the first and shown by the second.
 */
public final class PgVectorProbes {

    private static final int DATABASE_TIMEOUT_SECONDS = 5;

    private PgVectorProbes() {
    }

    /** {@code vector store}; reads the table's row into {@code found} when it got that far. */
    public static ConnectivityProbe database(String databaseUrl, String table, ProbeFindings found) {
        return new ConnectivityProbe() {
            @Override
            public String name() {
                return "vector store";
            }

            @Override
            public ProbeResult probe() {
                return PgVectorProbes.database(DatabaseUrl.parse(databaseUrl), table, found);
            }

            @Override
            public String timeoutHint() {
                return "check {databaseUrl}";
            }
        };
    }

    /** {@code vector table}: what the database probe read, or SKIP when it did not get that far. */
    public static ConnectivityProbe table(ProbeFindings found) {
        return new ConnectivityProbe() {
            @Override
            public String name() {
                return "vector table";
            }

            @Override
            public ProbeResult probe() {
                ProbeResult table = found.table();
                return table != null ? table : ProbeResult.skip("the database did not answer");
            }
        };
    }

    private static ProbeResult database(DatabaseUrl url, String table, ProbeFindings found) {
        Properties properties = new Properties();
        url.parameters().forEach(properties::setProperty);
        properties.setProperty("user", url.user());
        if (url.password() != null) {
            properties.setProperty("password", url.password());
        }
        properties.setProperty("connectTimeout", Integer.toString(DATABASE_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(DATABASE_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(DATABASE_TIMEOUT_SECONDS * 2));
        properties.setProperty("ApplicationName", "queue-worker check");
        String where = url.location();
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            return ProbeResult.fail("the PostgreSQL driver is missing from this build", "rebuild with the"
                    + " PostgreSQL driver on the class path");
        }
        try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), properties)) {
            String version = single(connection, "SELECT extversion FROM pg_extension WHERE extname = 'vector'");
            ProbeResult result;
            if (version != null) {
                result = ProbeResult.ok("PostgreSQL at " + where + ", pgvector " + version);
            } else {
                String available = single(connection,
                        "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'");
                if (available == null) {
                    found.table(ProbeResult.skip("pgvector is missing"));
                    return ProbeResult.fail("PostgreSQL at " + where + " has no pgvector extension installed",
                            "install pgvector on the server (Debian: postgresql-15-pgvector; on Supabase: Database >"
                            + " Extensions > vector), then CREATE EXTENSION vector");
                }
                boolean mayCreate = "t".equals(single(connection, "SELECT CASE WHEN r.rolsuper OR (v.trusted AND"
                        + " has_database_privilege(current_database(), 'CREATE')) THEN 't' ELSE 'f' END"
                        + " FROM pg_roles r, pg_available_extension_versions v WHERE r.rolname = current_user"
                        + " AND v.name = 'vector' AND v.version = '" + available.replace("'", "''") + "'"));
                if (!mayCreate) {
                    found.table(ProbeResult.skip("pgvector is not enabled"));
                    return ProbeResult.fail("pgvector is not enabled in " + where + " and user " + url.user()
                            + " may not enable it", "CREATE EXTENSION vector as a superuser");
                }
                result = ProbeResult.ok("PostgreSQL at " + where + ", pgvector " + available
                        + " available; run enables it");
            }
            found.table(table(connection, table, found.modelDimension()));
            return result;
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String message = firstSentence(e.getMessage());
            if (state.startsWith("28")) {
                return ProbeResult.fail("PostgreSQL at " + where + " refused user " + url.user() + ": " + message,
                        "check the user and password in {databaseUrl}");
            }
            if (state.equals("3D000")) {
                return ProbeResult.fail("PostgreSQL at " + where + ": " + message,
                        "create database " + url.database() + " or fix {databaseUrl}");
            }
            if (state.startsWith("08")) {
                return ProbeResult.fail("cannot connect to PostgreSQL at " + where + ": " + message,
                        "is PostgreSQL running at " + url.host() + ":" + url.port() + "? ({databaseUrl})");
            }
            return ProbeResult.fail("PostgreSQL at " + where + ": " + message
                    + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")"), "check {databaseUrl}");
        }
    }

    /** The table's shape and dimension against the model's ({@code modelDimension} null: unknown). */
    private static ProbeResult table(Connection connection, String table, Integer modelDimension) throws SQLException {
        TableShape shape = TableShape.read(connection, table);
        Map<String, String> columns = shape.columns();
        int tableDimension = shape.dimension();
        if (!shape.exists()) {
            return ProbeResult.ok(table + " does not exist yet: will be created"
                    + (modelDimension == null ? "" : " with " + modelDimension + " dimensions"));
        }
        if (!shape.isChunkTable()) {
            return ProbeResult.fail(table + " exists but is not a chunk table (columns " + columns.keySet() + ")",
                    "set {pgvectorTable} to another table");
        }
        String dims = tableDimension > 0 ? tableDimension + " dimensions" : "no fixed dimension";
        if (modelDimension == null) {
            return ProbeResult.ok(table + ": " + dims + " (the model's is unknown: see embeddings)");
        }
        if (tableDimension > 0 && tableDimension != modelDimension) {
            return ProbeResult.fail("{pgvectorTable} " + table + " has " + tableDimension
                    + " dimensions but the model makes " + modelDimension,
                    "use another table ({pgvectorTable}) or the model the table was filled with");
        }
        long rows = -1;
        try (Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('"
                     + table.replace("'", "''") + "')")) {
            if (count.next()) {
                rows = count.getLong(1);
            }
        }
        return ProbeResult.ok(table + ": " + dims + ", matching the model"
                + (rows >= 0 ? "; about " + rows + " chunks" : ""));
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static String firstSentence(String message) {
        if (message == null) {
            return "no message";
        }
        int end = message.indexOf(". ");
        return end < 0 ? message.strip() : message.substring(0, end + 1);
    }
}
