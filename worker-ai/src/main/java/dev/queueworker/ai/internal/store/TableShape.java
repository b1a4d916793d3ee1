package dev.queueworker.ai.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's columns (name to type) and the dimension of its {@code embedding} column (-1 when
 * none is fixed), as the catalog has them; no columns when the table does not exist.
 */
public record TableShape(Map<String, String> columns, int dimension) {

    /** Reads {@code table}'s shape through {@code connection}. */
    public static TableShape read(Connection connection, String table) throws SQLException {
        java.util.SortedMap<String, String> columns = new TreeMap<>();
        int dimension = -1;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT a.attname, t.typname, a.atttypmod FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                        + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped")) {
            select.setString(1, table);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), rows.getString(2));
                    if ("embedding".equals(rows.getString(1))) {
                        dimension = rows.getInt(3);
                    }
                }
            }
        }
        return new TableShape(java.util.Collections.unmodifiableSortedMap(columns), dimension);
    }

    public boolean exists() {
        return !columns.isEmpty();
    }

    /** Whether it has the columns of the LangChain4j chunk table this store writes. */
    public boolean isChunkTable() {
        return "vector".equals(columns.get("embedding")) && "uuid".equals(columns.get("embedding_id"))
                && "text".equals(columns.get("text")) && "jsonb".equals(columns.get("metadata"));
    }
}
