package dev.queueworker.runner.internal.tenants;

import dev.queueworker.azure.AzureQueueProvider;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.DotEnv;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What {@code run --tenants DIR} serves, read from DIR: the daemon's own variables and one
 * {@link ClientSettings} per {@code DIR/clients/<client>.env}.
 *
 * <p>For one client the variables are merged as {@code DIR/.env} &lt; the process environment &lt;
 * its own file, so that its file always wins. Nothing shared names a client: {@code CLIENT_ID} is the
 * file's name (a different one in the file stops that client; one in {@code DIR/.env} or the
 * environment is ignored), and {@code WORKER_DATA_DIR} is {@code DIR/data/<client>} unless the
 * client's file sets its own. {@code WORKER_CONCURRENCY} (the client's cap) defaults to
 * {@code WORKER_TENANTS_CONCURRENCY}. A client whose settings are wrong is {@link ClientSettings.Invalid};
 * the others are not affected.
 *
 * @param warnings lines worth a warning at start and on reload (ignored files and variables)
 */
record TenantsDirectory(Path dir, DaemonVariables daemon, SortedMap<String, ClientSettings> clients,
        List<String> warnings) {

    /** Shared variables a client's settings never take from DIR/.env or the environment. */
    private static final List<String> NOT_SHARED = List.of("CLIENT_ID", "WORKER_DATA_DIR");

    /**
     * Reads DIR.
     *
     * @throws ConfigException when DIR or {@code DIR/clients} is missing, holds no client file,
     *     {@code DIR/.env} cannot be read, or a daemon-level variable is bad
     */
    static TenantsDirectory read(Path dir, Map<String, String> environment) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--tenants " + dir + ": no such directory");
        }
        Path clientsDir = dir.resolve("clients");
        Path sharedFile = dir.resolve(".env");
        Map<String, String> shared = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> unknownShared = new ArrayList<>();
        if (Files.isRegularFile(sharedFile)) {
            DotEnv.read(sharedFile).forEach((k, v) -> {
                shared.put(k, v);
                sources.put(k, sharedFile.toString());
                if (!RunnerConfig.VARIABLES.contains(k)) {
                    unknownShared.add(k);
                }
            });
        }
        environment.forEach((k, v) -> {
            if (v != null && !v.isBlank() || !shared.containsKey(k)) {
                shared.put(k, v);
                sources.put(k, "environment");
            }
        });
        DaemonVariables daemon = DaemonVariables.read(shared);
        List<String> warnings = new ArrayList<>();
        for (String name : NOT_SHARED) {
            String v = shared.remove(name);
            if (v != null && !v.isBlank()) {
                warnings.add(name + " in " + describe(sources.get(name)) + " is ignored in tenants mode: "
                        + (name.equals("CLIENT_ID") ? "each client is the name of its file in " + clientsDir
                                : "each client's is " + dir.resolve("data").resolve("<client>")
                                        + " unless its own file sets one"));
            }
        }
        unknownShared.forEach(name -> warnings.add(name + " in " + sharedFile
                + " is not a queue-worker variable (a typo?)"));
        DaemonVariables.NAMES.forEach(shared::remove);
        SortedMap<String, ClientSettings> clients = new TreeMap<>();
        for (Path file : clientFiles(clientsDir, warnings)) {
            String name = file.getFileName().toString();
            String client = name.substring(0, name.length() - ".env".length());
            clients.put(client, client(dir, client, file, shared, sources, daemon));
        }
        if (clients.isEmpty()) {
            throw new ConfigException("--tenants " + dir + ": no client settings in " + clientsDir
                    + " (one <client>.env file per client)");
        }
        PlacesApart.check(clients);
        return new TenantsDirectory(dir, daemon, Collections.unmodifiableSortedMap(clients), List.copyOf(warnings));
    }

    /** The regular files {@code *.env} of DIR/clients, by name; hidden files are skipped, other names warned about. */
    private static List<Path> clientFiles(Path clientsDir, List<String> warnings) {
        if (!Files.isDirectory(clientsDir)) {
            throw new ConfigException("--tenants " + clientsDir.getParent() + ": no directory " + clientsDir
                    + " (one <client>.env file per client)");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(clientsDir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue; // editors' and tools' files
                }
                if (name.endsWith(".env") && Files.isRegularFile(p)) {
                    files.add(p);
                } else {
                    warnings.add(p + " is ignored: only <client>.env files are read");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static ClientSettings client(Path dir, String client, Path file, Map<String, String> shared,
            Map<String, String> sharedSources, DaemonVariables daemon) {
        String problem = client.isEmpty() ? "the client id is empty" : AzureQueueProvider.checkClientId(client);
        if (problem != null) {
            return invalid(client, file, file.getFileName() + ": the file name must be <client>.env with a"
                    + " valid client id: " + problem, Map.of("file name", client));
        }
        Map<String, String> own;
        try {
            own = DotEnv.read(file);
        } catch (ConfigException e) {
            return invalid(client, file, e.getMessage(), Map.of("unreadable", e.getMessage()));
        }
        Map<String, String> merged = new LinkedHashMap<>(shared);
        Map<String, String> sources = new LinkedHashMap<>(sharedSources);
        List<String> unknown = new ArrayList<>();
        own.forEach((k, v) -> {
            merged.put(k, v);
            sources.put(k, file.toString());
            if (!RunnerConfig.VARIABLES.contains(k)) {
                unknown.add(k);
            }
        });
        Map<String, String> inputs = Collections.unmodifiableMap(new TreeMap<>(merged));
        for (String name : DaemonVariables.NAMES) {
            if (own.containsKey(name)) {
                return invalid(client, file, file + ": " + name + " is a daemon-level variable: set it in "
                        + dir.resolve(".env") + " (it applies to every client)", inputs);
            }
        }
        String configured = own.get("CLIENT_ID");
        if (configured != null && !configured.isBlank() && !configured.strip().equals(client)) {
            return invalid(client, file, file + ": CLIENT_ID is '" + configured.strip() + "' but the file is "
                    + client + ".env: remove CLIENT_ID or set it to '" + client + "'", inputs);
        }
        merged.put("CLIENT_ID", client);
        sources.put("CLIENT_ID", "the file name " + file.getFileName());
        if (!own.containsKey("WORKER_DATA_DIR") || own.get("WORKER_DATA_DIR").isBlank()) {
            merged.put("WORKER_DATA_DIR", dir.resolve("data").resolve(client).toAbsolutePath().toString());
            sources.put("WORKER_DATA_DIR", "tenants default");
        }
        if (!merged.containsKey("WORKER_CONCURRENCY") || merged.get("WORKER_CONCURRENCY").isBlank()) {
            merged.put("WORKER_CONCURRENCY", Integer.toString(daemon.tenantsConcurrency()));
            sources.put("WORKER_CONCURRENCY", "WORKER_TENANTS_CONCURRENCY");
        }
        try {
            return new ClientSettings.Valid(client, file, RunnerConfig.fromVariables(merged, sources, unknown));
        } catch (ConfigException e) {
            return invalid(client, file, e.getMessage() + " (" + whereSet(e.getMessage(), sources, file) + ")", inputs);
        }
    }

    /** Where the variable a message starts with was set (the client's file, DIR/.env or the environment). */
    private static String whereSet(String message, Map<String, String> sources, Path file) {
        String variable = message.split("[ :=]", 2)[0];
        String source = RunnerConfig.VARIABLES.contains(variable) ? sources.get(variable) : null;
        return source == null ? file.toString() : "environment".equals(source) ? "the environment" : source;
    }

    private static ClientSettings invalid(String client, Path file, String why, Map<String, String> inputs) {
        return new ClientSettings.Invalid(client, file, why, inputs);
    }

    private static String describe(String source) {
        return source == null || "environment".equals(source) ? "the environment" : source;
    }
}
