package dev.queueworker.runner.internal.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The daemon's own variables: plugins ({@code WORKER_PLUGINS_DIR}), the HTTP listener
 * ({@code WORKER_HTTP_PORT}, {@code WORKER_HTTP_BIND}) and logging ({@code LOG_FORMAT},
 * {@code LOG_LEVEL}).
 *
 * @param pluginsDir nullable: no plugins
 * @param httpPort   nullable: the HTTP endpoints are off; 0 picks a free port
 */
public record DaemonSettings(Path pluginsDir, Integer httpPort, String httpBind, RunnerConfig.LogFormat logFormat,
        String logLevel) {

    private static final Pattern LOG_LEVEL = Pattern.compile("(?i)TRACE|DEBUG|INFO|WARN|ERROR|OFF");

    public Optional<Path> pluginsDirIfSet() {
        return Optional.ofNullable(pluginsDir);
    }

    public Optional<Integer> httpPortIfSet() {
        return Optional.ofNullable(httpPort);
    }

    /** @throws ConfigException naming the variable at fault */
    static DaemonSettings read(EnvironmentVariables env) {
        RunnerConfig.LogFormat format = env.choice("LOG_FORMAT", RunnerConfig.LogFormat.class)
                .orElse(RunnerConfig.LogFormat.TEXT);
        String level = env.string("LOG_LEVEL").map(l -> {
            if (!LOG_LEVEL.matcher(l).matches()) {
                throw new ConfigException("LOG_LEVEL must be TRACE, DEBUG, INFO, WARN, ERROR or OFF, was '" + l + "'");
            }
            return l.toUpperCase(Locale.ROOT);
        }).orElse("INFO");
        Path plugins = env.string("WORKER_PLUGINS_DIR").map(Path::of).orElse(null);
        if (plugins != null && !Files.isDirectory(plugins)) {
            throw new ConfigException("WORKER_PLUGINS_DIR must be a directory, was '" + plugins + "'");
        }
        Integer port = env.integer("WORKER_HTTP_PORT", 0, 65535).orElse(null);
        String bind = env.string("WORKER_HTTP_BIND").orElse("127.0.0.1");
        return new DaemonSettings(plugins, port, bind, format, level);
    }
}
