package dev.queueworker.ai.internal.store;

import dev.queueworker.ai.internal.budget.TokenLedger;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import javax.sql.DataSource;

/**
 * A client's tokens of each day in the table {@code <pgvectorTable>_token_usage} (client_id, day,
 * tokens) of the chunk store's database, so every worker of the client on that database counts
 * against one allowance: each task's tokens are added in one atomic upsert. Created when missing.
 */
final class PgTokenLedger implements TokenLedger {
    private final DataSource dataSource;
    private final String table;
    private final String clientId;
    private final PgVectorFailures failures;

    PgTokenLedger(DataSource dataSource, String chunkTable, String clientId, PgVectorFailures failures) {
        this.dataSource = dataSource;
        this.table = chunkTable + "_token_usage";
        this.clientId = clientId;
        this.failures = failures;
        try (Connection connection = dataSource.getConnection(); Statement create = connection.createStatement()) {
            create.execute("CREATE TABLE IF NOT EXISTS " + table + " (client_id text NOT NULL, day date NOT NULL,"
                    + " tokens bigint NOT NULL, PRIMARY KEY (client_id, day))");
        } catch (SQLException e) {
            throw failures.failure(e, "create the table " + table);
        }
    }

    @Override
    public long spentOn(LocalDate day) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT tokens FROM " + table + " WHERE client_id = ? AND day = ?")) {
            select.setString(1, clientId);
            select.setDate(2, Date.valueOf(day));
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw failures.failure(e, "read the tokens of client '" + clientId + "' from " + table);
        }
    }

    @Override
    public long add(LocalDate day, long tokens) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                     + " (client_id, day, tokens) VALUES (?, ?, ?) ON CONFLICT (client_id, day)"
                     + " DO UPDATE SET tokens = " + table + ".tokens + EXCLUDED.tokens RETURNING tokens")) {
            upsert.setString(1, clientId);
            upsert.setDate(2, Date.valueOf(day));
            upsert.setLong(3, tokens);
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw failures.failure(e, "add the tokens of client '" + clientId + "' to " + table);
        }
    }

    @Override
    public String toString() {
        return "the table " + table;
    }
}
