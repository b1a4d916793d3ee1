package dev.queueworker.runner.internal.config;

import static dev.queueworker.runner.internal.config.EnvironmentVariables.option;

import dev.queueworker.azure.AzureBlobDocumentStore;
import dev.queueworker.azure.AzureQueueProvider;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Azure Storage variables ({@code AZURE_STORAGE_*}, {@code QUEUE_MESSAGE_ENCODING}), each
 * checked by the Azure builders' own options when read.
 *
 * @param connectionString nullable; a secret
 * @param accountName      nullable: with a managed identity instead of a connection string
 */
public record AzureSettings(String connectionString, String accountName, String containerName,
        AzureQueueProvider.MessageEncoding messageEncoding, int maxTries, Duration tryTimeout) {

    /** The variable that sets each option of the Azure factories a probe's result may name ({@code ProbeResult#render}). */
    private static final Map<String, String> OPTION_VARIABLES = Map.of(
            "connectionString", "AZURE_STORAGE_CONNECTION_STRING",
            "accountName", "AZURE_STORAGE_ACCOUNT_NAME",
            "containerName", "AZURE_STORAGE_CONTAINER_NAME",
            "messageEncoding", "QUEUE_MESSAGE_ENCODING",
            "maxTries", "AZURE_STORAGE_MAX_TRIES",
            "tryTimeout", "AZURE_STORAGE_TRY_TIMEOUT");

    /** The variable that sets the Azure option {@code option}, or the option's own name when none does. */
    public static String variableOf(String option) {
        return OPTION_VARIABLES.getOrDefault(option, option);
    }

    /** Whether a connection string or an account name is set. */
    public boolean hasAccount() {
        return connectionString != null || accountName != null;
    }

    public Optional<String> connectionStringIfSet() {
        return Optional.ofNullable(connectionString);
    }

    public Optional<String> accountNameIfSet() {
        return Optional.ofNullable(accountName);
    }

    /**
     * The connection string's {@code Key=value} pairs, keys case-insensitive; empty without one.
     * They hold the account key: never print them.
     */
    public Map<String, String> connectionStringParts() {
        Map<String, String> parts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : connectionStringIfSet().orElse("").split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        return parts;
    }

    /**
     * The storage account, as equal for two clients of one account as the settings allow: the
     * connection string's blob endpoint (which tells emulators of one account name apart by port),
     * else its AccountName (Azurite's for development storage), or a managed identity's account.
     */
    public String account() {
        if (accountName != null) {
            return accountName.toLowerCase(Locale.ROOT);
        }
        Map<String, String> parts = connectionStringParts();
        if ("true".equalsIgnoreCase(parts.get("UseDevelopmentStorage"))) {
            return "devstoreaccount1";
        }
        return parts.getOrDefault("BlobEndpoint", parts.getOrDefault("AccountName", ""))
                .toLowerCase(Locale.ROOT);
    }

    /** Never shows the connection string. */
    @Override
    public String toString() {
        return "AzureSettings[connectionString=" + (connectionString == null ? "unset" : "<set>") + ", accountName="
                + accountName + ", containerName=" + containerName + ", messageEncoding=" + messageEncoding
                + ", maxTries=" + maxTries + ", tryTimeout=" + tryTimeout + "]";
    }

    /** @throws ConfigException naming the variable at fault, never quoting the connection string */
    static AzureSettings read(EnvironmentVariables env) {
        String connectionString = env.string("AZURE_STORAGE_CONNECTION_STRING").orElse(null);
        String accountName = env.string("AZURE_STORAGE_ACCOUNT_NAME").orElse(null);
        if (connectionString != null && accountName != null) {
            throw new ConfigException("set one of AZURE_STORAGE_CONNECTION_STRING and AZURE_STORAGE_ACCOUNT_NAME,"
                    + " not both");
        }
        if (connectionString != null) {
            checkConnectionString(connectionString);
        }
        AzureQueueProvider.MessageEncoding encoding = env.choice("QUEUE_MESSAGE_ENCODING",
                AzureQueueProvider.MessageEncoding.class).orElse(AzureQueueProvider.MessageEncoding.NONE);
        int maxTries = env.integer("AZURE_STORAGE_MAX_TRIES", 1, 20).orElse(3);
        Duration tryTimeout = env.duration("AZURE_STORAGE_TRY_TIMEOUT").orElse(Duration.ofSeconds(10));
        String container = env.string("AZURE_STORAGE_CONTAINER_NAME")
                .orElse(AzureBlobDocumentStore.DEFAULT_CONTAINER_NAME);
        option("AZURE_STORAGE_CONTAINER_NAME", () -> AzureBlobDocumentStore.builder().containerName(container));
        if (accountName != null) {
            option("AZURE_STORAGE_ACCOUNT_NAME", () -> AzureBlobDocumentStore.builder().accountName(accountName));
        }
        return new AzureSettings(connectionString, accountName, container, encoding, maxTries, tryTimeout);
    }

    /** A syntax check that names what is missing and never quotes the value (it holds the account key). */
    static void checkConnectionString(String value) {
        Map<String, String> parts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String part : value.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("AZURE_STORAGE_CONNECTION_STRING must be Key=value pairs separated by ';'"
                        + " (copy it from the storage account's Access keys), or UseDevelopmentStorage=true");
            }
            parts.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        if ("true".equalsIgnoreCase(parts.get("UseDevelopmentStorage"))) {
            return;
        }
        if (!parts.containsKey("AccountKey") && !parts.containsKey("SharedAccessSignature")) {
            throw new ConfigException("AZURE_STORAGE_CONNECTION_STRING has neither AccountKey nor SharedAccessSignature");
        }
        if (!parts.containsKey("AccountName") && !parts.containsKey("QueueEndpoint")) {
            throw new ConfigException("AZURE_STORAGE_CONNECTION_STRING has neither AccountName nor QueueEndpoint");
        }
    }
}
