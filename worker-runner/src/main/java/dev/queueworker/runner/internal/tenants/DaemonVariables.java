package dev.queueworker.runner.internal.tenants;

import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.DaemonSettings;
import dev.queueworker.runner.internal.config.EnvironmentVariables;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The variables of the tenants daemon itself, read from {@code DIR/.env} and the environment only:
 * the HTTP listener, logging, the shared slots. A client's file may not set them.
 *
 * @param httpPort nullable: no HTTP endpoints; 0 picks a free port
 * @param values the daemon-level variables as set, for telling a reload what changed
 */
record DaemonVariables(Integer httpPort, String httpBind, RunnerConfig.LogFormat logFormat, String logLevel,
        int tenantsConcurrency, boolean consoleTokenSet, Map<String, String> values) {

    /** The variables only {@code DIR/.env} and the environment may set. */
    static final List<String> NAMES = List.of("WORKER_HTTP_PORT", "WORKER_HTTP_BIND", "LOG_FORMAT", "LOG_LEVEL",
            "WORKER_TENANTS_CONCURRENCY", "WORKER_CONSOLE_TOKEN");

    /** WORKER_TENANTS_CONCURRENCY when unset. */
    static final int DEFAULT_TENANTS_CONCURRENCY = 16;


    /** @throws ConfigException naming the variable at fault */
    static DaemonVariables read(Map<String, String> shared) {
        Map<String, String> values = new TreeMap<>();
        for (String name : NAMES) {
            String v = shared.get(name);
            if (v != null && !v.isBlank()) {
                values.put(name, v.strip());
            }
        }
        EnvironmentVariables env = EnvironmentVariables.of(java.util.Collections.unmodifiableMap(values));
        Integer port = env.integer("WORKER_HTTP_PORT", 0, 65535).orElse(null);
        String bind = env.string("WORKER_HTTP_BIND").orElse("127.0.0.1");
        RunnerConfig.LogFormat format = env.choice("LOG_FORMAT", RunnerConfig.LogFormat.class)
                .orElse(RunnerConfig.LogFormat.TEXT);
        String level = DaemonSettings.logLevel(env);
        int slots = env.integer("WORKER_TENANTS_CONCURRENCY", 1, 10_000).orElse(DEFAULT_TENANTS_CONCURRENCY);
        boolean token = env.string("WORKER_CONSOLE_TOKEN").isPresent();
        // The token is a secret: what a reload compares is only whether it is set.
        values.computeIfPresent("WORKER_CONSOLE_TOKEN", (k, v) -> "<set>");
        return new DaemonVariables(port, bind, format, level, slots, token, Map.copyOf(values));
    }

    Optional<Integer> httpPortIfSet() {
        return Optional.ofNullable(httpPort);
    }
}
