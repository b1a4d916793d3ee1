package dev.queueworker.azure.internal.check;

import dev.queueworker.api.ProviderSettings;
import dev.queueworker.api.ProbeResult;
import dev.queueworker.api.QueueWorkerException;
import dev.queueworker.azure.AzureProbes;
import java.util.Locale;

/** What a probe says about an Azure Storage failure: one line, and a hint naming the options to check. */
final class AzureFailures {

    private AzureFailures() {
    }

    /** Whether the settings point at a local endpoint (Azurite). */
    static boolean local(ProviderSettings settings) {
        String connection = settings.option("connectionString").orElse("").toLowerCase(Locale.ROOT);
        return connection.contains("usedevelopmentstorage") || connection.contains("127.0.0.1")
                || connection.contains("localhost");
    }

    /** Whether {@code e} means that Azure Storage did not answer at all (no status code). */
    static boolean unreachable(RuntimeException e) {
        return e instanceof QueueWorkerException q && q.statusCode() == 0;
    }

    /** The hint for {@code e}; {@code local} when the settings point at Azurite. */
    static String hint(RuntimeException e, boolean local) {
        int status = e instanceof QueueWorkerException q ? q.statusCode() : -1;
        if (status == 401 || status == 403) {
            return "check {connectionString} (account and key), or the identity's role with {accountName}";
        }
        if (status == 0) {
            return local ? AzureProbes.AZURITE_NOT_RUNNING
                    : "is Azure Storage reachable from here? check {connectionString} or {accountName}";
        }
        return "check {connectionString} and {containerName}";
    }

    /** The hint when no answer came within the deadline. */
    static String timeoutHint(boolean local) {
        return hint(new QueueWorkerException("timed out"), local);
    }

    /**
     * {@code e} as one line: our exceptions' messages (which never quote a secret) as they are, any
     * other exception as its class and first line, and its root cause's.
     */
    static String detail(RuntimeException e) {
        if (e instanceof QueueWorkerException) {
            return oneLine(e.getMessage());
        }
        return ProbeResult.describe(e);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
