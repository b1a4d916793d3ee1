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
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The tenants daemon's rules for the places clients' settings may point at together:
 *
 * <ul>
 *   <li>documents several clients read in one place (one account and container, or one directory:
 *       {@link SharedDocuments#location}): each must read under a folder of its own
 *       ({@code {client_id}/} in BLOB_NAME_TEMPLATE), and no client's folder may hold another's
 *       ({@code uploads/} holds {@code uploads/alpha/});
 *   <li>a data directory is one client's: two clients' files naming the same WORKER_DATA_DIR stop
 *       both, whichever would have claimed it first.
 * </ul>
 *
 * A client that breaks a rule becomes {@link ClientSettings.Invalid} with one line naming the
 * others; the rest go on.
 */
final class PlacesApart {

    private PlacesApart() {
    }

    /** Replaces, in {@code clients}, each valid client that could read another's documents or data. */
    static void check(SortedMap<String, ClientSettings> clients) {
        Map<String, ClientSettings> stopped = new LinkedHashMap<>();
        stop(clients, "documents", valid -> SharedDocuments.location(valid.config()).orElse(null),
                PlacesApart::documents, stopped);
        stop(clients, "data", valid -> valid.config().ai().dataDir().toAbsolutePath().normalize().toString(),
                PlacesApart::dataDir, stopped);
        clients.putAll(stopped);
    }

    /** Groups the valid clients by {@code place} (null: none to share) and stops those {@code rule} refuses. */
    private static void stop(SortedMap<String, ClientSettings> clients, String what,
            Function<ClientSettings.Valid, String> place,
            BiFunction<ClientSettings.Valid, List<ClientSettings.Valid>, String> rule, Map<String, ClientSettings> stopped) {
        Map<String, List<ClientSettings.Valid>> byPlace = new TreeMap<>();
        for (ClientSettings settings : clients.values()) {
            String key = settings instanceof ClientSettings.Valid valid ? place.apply(valid) : null;
            if (key != null) {
                byPlace.computeIfAbsent(key, p -> new ArrayList<>()).add((ClientSettings.Valid) settings);
            }
        }
        for (List<ClientSettings.Valid> sharing : byPlace.values()) {
            for (ClientSettings.Valid valid : sharing) {
                List<ClientSettings.Valid> others = sharing.stream().filter(o -> o != valid).toList();
                String why = others.isEmpty() || stopped.containsKey(valid.client()) ? null : rule.apply(valid, others);
                if (why != null) {
                    Map<String, String> inputs = new TreeMap<>(valid.config().variables());
                    inputs.put(what + " shared with", String.join(",", names(others)));
                    stopped.put(valid.client(), new ClientSettings.Invalid(valid.client(), valid.file(), why,
                            Collections.unmodifiableMap(inputs)));
                }
            }
        }
    }

    private static String dataDir(ClientSettings.Valid valid, List<ClientSettings.Valid> others) {
        return "WORKER_DATA_DIR " + valid.config().ai().dataDir() + " is also client" + (others.size() > 1 ? "s " : " ")
                + String.join(", ", names(others)) + "'s: set WORKER_DATA_DIR in " + valid.file()
                + " to a directory of " + valid.client() + "'s own, or remove it (the default is "
                + valid.client() + "'s own)";
    }

    private static String documents(ClientSettings.Valid valid, List<ClientSettings.Valid> others) {
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
