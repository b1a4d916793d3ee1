package dev.queueworker.runner.internal.config;

import dev.queueworker.api.DocumentNames;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a client's documents are, and the rule for a place several clients share: two clients
 * reading one blob container (or one documents directory) must each read under a folder of its own
 * ({@code {client_id}/} in {@code BLOB_NAME_TEMPLATE}, see {@link ClientFolder}), or either could
 * read the other's documents by naming them in a task. A client that shares one without such a
 * folder is stopped with one line: the place, how it is shared, and the two ways out.
 *
 * <p>A tenants daemon sees every client's settings and compares {@link #location}s. A per-client
 * service ({@code run --client X --env-file clients/X.env}) sees only its own, so it takes the place
 * as shared unless its own file names it ({@link #checkOwnFile}).
 */
public final class SharedDocuments {

    private SharedDocuments() {
    }

    /**
     * Where {@code config}'s documents live, as a key equal for two clients reading the same place:
     * {@code azure:<account>/<container>} or {@code filesystem:<absolute directory>}; empty for a
     * store of this process alone (memory) or a plugin's, whose places the daemon cannot know.
     */
    public static Optional<String> location(RunnerConfig config) {
        return switch (config.documentStoreKind()) {
            case AZURE -> Optional.of("azure:" + config.azure().account() + "/" + config.azureContainerName());
            case FILESYSTEM -> Optional.of("filesystem:" + config.documentsDir().toAbsolutePath().normalize());
            case MEMORY, PLUGIN -> Optional.empty();
        };
    }

    /**
     * For a per-client service: the one line that stops it when its document place may be shared
     * (named only by settings that are not its own file, {@code ownFile}) and its template keeps
     * no folder of its own.
     *
     * @param sources where each variable came from ({@code ownFile}, {@code environment}, ...)
     */
    static Optional<String> checkOwnFile(RunnerConfig config, Map<String, String> sources, String ownFile) {
        if (config.documentFolder().isPresent()) {
            return Optional.empty();
        }
        List<String> placeVariables = switch (config.documentStoreKind()) {
            case AZURE -> List.of("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_NAME",
                    "AZURE_STORAGE_CONTAINER_NAME");
            case FILESYSTEM -> List.of("DOCUMENTS_DIR");
            case MEMORY, PLUGIN -> List.of();
        };
        if (placeVariables.isEmpty() || placeVariables.stream().anyMatch(v -> ownFile.equals(sources.get(v)))) {
            return Optional.empty();
        }
        String where = sources.containsKey(placeVariables.get(placeVariables.size() - 1)) ? "set outside " + ownFile
                : "the default";
        return Optional.of(refusal(config, "(" + where + ") may be shared by other clients", ownFile));
    }

    /** For a tenants daemon: the line that stops a client whose document place {@code others} read too. */
    public static String sharedWith(RunnerConfig config, List<String> others, String ownFile) {
        return refusal(config, "is shared with client" + (others.size() > 1 ? "s " : " ") + String.join(", ", others),
                ownFile);
    }

    /** One line: the place, how it is shared, the template, and the two ways out. */
    private static String refusal(RunnerConfig config, String shared, String ownFile) {
        boolean azure = config.documentStoreKind() == RunnerConfig.DocumentStoreKind.AZURE;
        String place = azure ? "AZURE_STORAGE_CONTAINER_NAME " + config.azureContainerName()
                : "DOCUMENTS_DIR " + config.documentsDir();
        String template = Optional.ofNullable(config.variables().get("BLOB_NAME_TEMPLATE")).filter(t -> !t.isBlank())
                .map(String::strip).orElse(DocumentNames.DEFAULT_TEMPLATE);
        String client = config.workerOptions().clientId();
        return place + " " + shared + ", and BLOB_NAME_TEMPLATE " + template + " has no " + ClientFolder.PLACEHOLDER
                + "/ folder, so they could read each other's documents: set " + place.split(" ")[0] + " in " + ownFile
                + " to a " + (azure ? "container" : "directory") + " of " + client + "'s own, or BLOB_NAME_TEMPLATE="
                + ClientFolder.PLACEHOLDER + "/" + template.replace(ClientFolder.PLACEHOLDER + "/", "")
                + " and upload " + client + "'s documents under " + client + "/";
    }
}
