package dev.queueworker.runner.internal.cli;

import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * What an operator reads when a service the configuration names fails: one line in our words that
 * says what happened, where (host and port, never a secret), which variable to look at and the
 * fix. The libraries' own messages (the Azure SDK's advice about logging the string to sign, a
 * driver's stack) stay in the debug log. {@code run} and {@code check} say the same.
 */
public final class OperatorMessages {

    private OperatorMessages() {
    }

    /** Why Azure Storage failed, and what to set. */
    public static String azure(RuntimeException e, RunnerConfig config) {
        int status = e instanceof QueueWorkerException q ? q.statusCode() : 0;
        String code = e instanceof QueueWorkerException q && q.errorCode() != null ? " " + q.errorCode() : "";
        String where = "Azure Storage at " + azureEndpoint(config);
        if (status == 401 || status == 403) {
            return where + " refused the credentials (HTTP " + status + code + "): "
                    + (config.azureAccountName().isPresent()
                            ? "give the worker's identity the 'Storage Queue Data Contributor' and 'Storage Blob Data"
                                    + " Contributor' roles on AZURE_STORAGE_ACCOUNT_NAME"
                            : "the AccountKey in AZURE_STORAGE_CONNECTION_STRING is wrong; copy the connection string"
                                    + " again from the storage account's Access keys");
        }
        if (status == 0) {
            return where + " does not answer (" + rootCause(e) + "): " + (local(config)
                    ? "is Azurite running? start it with ./scripts/setup.sh, or fix the endpoint in"
                            + " AZURE_STORAGE_CONNECTION_STRING"
                    : "check the account or endpoint in " + (config.azureAccountName().isPresent()
                            ? "AZURE_STORAGE_ACCOUNT_NAME" : "AZURE_STORAGE_CONNECTION_STRING")
                            + " and that this machine reaches it (firewall, proxy, DNS)");
        }
        return where + " answered HTTP " + status + code + ": check AZURE_STORAGE_CONNECTION_STRING (or"
                + " AZURE_STORAGE_ACCOUNT_NAME) and AZURE_STORAGE_CONTAINER_NAME";
    }

    /** Why the database of {@code DATABASE_URL} cannot be used, and what to set. */
    public static String database(RuntimeException e, RunnerConfig config) {
        String where = "PostgreSQL at " + databaseLocation(config.ai().databaseUrl().orElse(""));
        String message = String.valueOf(e.getMessage());
        String state = sqlState(e);
        if (state.startsWith("28")) {
            return where + " refused the user or password: check the user and password in DATABASE_URL";
        }
        if (state.equals("3D000")) {
            return where + ": the database named in DATABASE_URL does not exist; create it or fix the name";
        }
        if (e instanceof IllegalStateException && state.isEmpty()) {
            // The store's own refusal (another dimension, not a chunk table, no pgvector): it names the
            // options; these are the variables that set them.
            return where + ": " + message + " ('databaseUrl' is DATABASE_URL, 'pgvectorTable' is PGVECTOR_TABLE)";
        }
        return where + " cannot be used (" + rootCause(e) + "): check the host and port in DATABASE_URL and that"
                + " PostgreSQL with pgvector runs there, or unset DATABASE_URL to keep chunks in a file";
    }

    /**
     * Why the file chunk store under {@code WORKER_DATA_DIR} cannot be used (held by another worker,
     * embeddings of another dimension, an unreadable file): its own message, naming the variable
     * instead of the option.
     */
    public static String fileStore(IllegalStateException e) {
        return "the vector store in WORKER_DATA_DIR cannot be used: "
                + String.valueOf(e.getMessage()).replace("('dataDir')", "(WORKER_DATA_DIR)");
    }

    /** {@code host:port} of the queue endpoint the configuration names; never a key. */
    static String azureEndpoint(RunnerConfig config) {
        if (config.azureAccountName().isPresent()) {
            return config.azureAccountName().get() + ".queue.core.windows.net:443";
        }
        Map<String, String> parts = config.azure().connectionStringParts();
        if ("true".equalsIgnoreCase(parts.get("UseDevelopmentStorage"))) {
            return "127.0.0.1:10001";
        }
        String endpoint = parts.get("QueueEndpoint");
        if (endpoint != null) {
            try {
                URI uri = URI.create(endpoint);
                int port = uri.getPort() > 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
                return uri.getHost() + ":" + port;
            } catch (IllegalArgumentException ignored) {
                return "the QueueEndpoint of AZURE_STORAGE_CONNECTION_STRING";
            }
        }
        String suffix = parts.getOrDefault("EndpointSuffix", "core.windows.net");
        return parts.getOrDefault("AccountName", "?") + ".queue." + suffix + ":443";
    }

    private static boolean local(RunnerConfig config) {
        String endpoint = azureEndpoint(config).toLowerCase(Locale.ROOT);
        return endpoint.startsWith("127.") || endpoint.startsWith("localhost");
    }

    /** {@code host:port/database} of a database URL, without user or password. */
    static String databaseLocation(String url) {
        String rest = url.replaceFirst("^jdbc:", "").replaceFirst("^postgres(ql)?://", "");
        int at = rest.lastIndexOf('@');
        rest = at < 0 ? rest : rest.substring(at + 1);
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    /** The SQLSTATE of the first {@link java.sql.SQLException} among the causes; empty when there is none. */
    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + (message.length() > 120 ? message.substring(0, 120) + "…" : message);
    }
}
