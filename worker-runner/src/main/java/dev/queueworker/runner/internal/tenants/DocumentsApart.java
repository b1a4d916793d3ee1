package dev.queueworker.runner.internal.tenants;

import dev.queueworker.runner.internal.config.ClientFolder;
import dev.queueworker.runner.internal.config.SharedDocuments;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The tenants daemon's rule for documents several clients read in one place (one account and
 * container, or one directory: {@link SharedDocuments#location}): each must read under a folder of
 * its own ({@code {client_id}/} in BLOB_NAME_TEMPLATE), and no client's folder may hold another's
 * ({@code uploads/} holds {@code uploads/alpha/}). A client that breaks it becomes
 * {@link ClientSettings.Invalid} with one line naming the others; the rest go on.
 */
final class DocumentsApart {

    private DocumentsApart() {
    }

    /** Replaces, in {@code clients}, each valid client that could read another's documents. */
    static void check(SortedMap<String, ClientSettings> clients) {
        Map<String, List<ClientSettings.Valid>> byPlace = new TreeMap<>();
        for (ClientSettings settings : clients.values()) {
            if (settings instanceof ClientSettings.Valid valid) {
                SharedDocuments.location(valid.config()).ifPresent(place ->
                        byPlace.computeIfAbsent(place, p -> new ArrayList<>()).add(valid));
            }
        }
        Map<String, ClientSettings> stopped = new LinkedHashMap<>();
        for (List<ClientSettings.Valid> sharing : byPlace.values()) {
            for (ClientSettings.Valid valid : sharing) {
                List<ClientSettings.Valid> others = sharing.stream().filter(o -> o != valid).toList();
                String why = others.isEmpty() ? null : why(valid, others);
                if (why != null) {
                    Map<String, String> inputs = new TreeMap<>(valid.config().variables());
                    inputs.put("documents shared with", String.join(",", names(others)));
                    stopped.put(valid.client(), new ClientSettings.Invalid(valid.client(), valid.file(), why,
                            Collections.unmodifiableMap(inputs)));
                }
            }
        }
        clients.putAll(stopped);
    }

    private static String why(ClientSettings.Valid valid, List<ClientSettings.Valid> others) {
        String mine = valid.config().documentFolder().map(ClientFolder::prefix).orElse(null);
        if (mine == null) {
            return SharedDocuments.sharedWith(valid.config(), names(others), valid.file().toString());
        }
        for (ClientSettings.Valid other : others) {
            String theirs = other.config().documentFolder().map(ClientFolder::prefix).orElse(null);
            if (theirs != null && (mine.startsWith(theirs) || theirs.startsWith(mine))) {
                return "BLOB_NAME_TEMPLATE gives " + valid.client() + " the folder " + mine + " and client "
                        + other.client() + " the folder " + theirs + " where both read documents, one inside the"
                        + " other: give every client of one container the same BLOB_NAME_TEMPLATE (set it in "
                        + valid.file() + " or in the shared .env)";
            }
        }
        return null;
    }

    private static List<String> names(List<ClientSettings.Valid> clients) {
        return clients.stream().map(ClientSettings.Valid::client).toList();
    }
}
