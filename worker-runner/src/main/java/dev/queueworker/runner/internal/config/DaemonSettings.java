package dev.queueworker.runner.internal.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The daemon's own variables: plugins ({@code WORKER_PLUGINS_DIR}), the HTTP listener
 * ({@code WORKER_HTTP_PORT}, {@code WORKER_HTTP_BIND}), the console on it ({@code WORKER_CONSOLE_TOKEN},
 * {@code WORKER_CONSOLE_READ_ONLY}) and logging ({@code LOG_FORMAT}, {@code LOG_LEVEL}).
 *
 * @param pluginsDir   nullable: no plugins
 * @param httpPort     nullable: the HTTP endpoints are off; 0 picks a free port
 * @param consoleToken nullable: no token (the console is then served on a loopback bind only)
 */
public record DaemonSettings(Path pluginsDir, Integer httpPort, String httpBind, String consoleToken,
        boolean consoleReadOnly, RunnerConfig.LogFormat logFormat, String logLevel) {

    private static final Pattern LOG_LEVEL = Pattern.compile("(?i)TRACE|DEBUG|INFO|WARN|ERROR|OFF");

    public Optional<Path> pluginsDirIfSet() {
        return Optional.ofNullable(pluginsDir);
    }

    public Optional<Integer> httpPortIfSet() {
        return Optional.ofNullable(httpPort);
    }

    /** The console's access token, a secret; never put it in {@code toString}. */
    public Optional<String> consoleTokenIfSet() {
        return Optional.ofNullable(consoleToken);
    }

    @Override
    public String toString() {
        return "DaemonSettings[pluginsDir=" + pluginsDir + ", httpPort=" + httpPort + ", httpBind=" + httpBind
                + ", consoleToken=" + (consoleToken == null ? "none" : "<set, not shown>") + ", consoleReadOnly="
                + consoleReadOnly + ", logFormat=" + logFormat + ", logLevel=" + logLevel + "]";
    }

    /**
     * {@code LOG_LEVEL}, upper case; INFO when unset. The one rule for it, also in tenants mode.
     *
     * @throws ConfigException naming the variable when it is not a level
     */
    public static String logLevel(EnvironmentVariables env) {
        return env.string("LOG_LEVEL").map(l -> {
            if (!LOG_LEVEL.matcher(l).matches()) {
                throw new ConfigException("LOG_LEVEL must be TRACE, DEBUG, INFO, WARN, ERROR or OFF, was '" + l + "'");
            }
            return l.toUpperCase(Locale.ROOT);
        }).orElse("INFO");
    }

    /** @throws ConfigException naming the variable at fault */
    static DaemonSettings read(EnvironmentVariables env) {
        RunnerConfig.LogFormat format = env.choice("LOG_FORMAT", RunnerConfig.LogFormat.class)
                .orElse(RunnerConfig.LogFormat.TEXT);
        String level = logLevel(env);
        Path plugins = env.string("WORKER_PLUGINS_DIR").map(Path::of).orElse(null);
        if (plugins != null && !Files.isDirectory(plugins)) {
            throw new ConfigException("WORKER_PLUGINS_DIR must be a directory, was '" + plugins + "'");
        }
        Integer port = env.integer("WORKER_HTTP_PORT", 0, 65535).orElse(null);
        String bind = env.string("WORKER_HTTP_BIND").orElse("127.0.0.1");
        String token = env.string("WORKER_CONSOLE_TOKEN").map(DaemonSettings::checkConsoleToken).orElse(null);
        boolean readOnly = env.bool("WORKER_CONSOLE_READ_ONLY").orElse(false);
        return new DaemonSettings(plugins, port, bind, token, readOnly, format, level);
    }

    private static String checkConsoleToken(String token) {
        if (token.length() < 16 || !token.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new ConfigException("WORKER_CONSOLE_TOKEN must be at least 16 printable ASCII characters without"
                    + " spaces (e.g. openssl rand -hex 24)");
        }
        return token;
    }
}
