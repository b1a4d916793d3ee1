package dev.queueworker.runner.internal.cli;

import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.DotEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the logback configuration before the first logger exists: {@code LOG_FORMAT=json} picks
 * JSON lines, {@code LOG_LEVEL} the root level. The daemon commands log to standard output (the
 * journal, {@code docker logs}); the others log warnings to standard error, so that their standard
 * output holds only their results.
 */
final class Logging {

    // Only the daemon logs to standard output. Not "demo" (its standard output is its display) nor
    // "bench" (its RESULT lines; and logging every task at INFO would measure the console).
    private static final Set<String> DAEMON_COMMANDS = Set.of("run");

    private Logging() {
    }

    static void configure(CliContext context, String[] args) {
        if (System.getProperty("logback.configurationFile") != null) {
            return; // chosen by the operator (-Dlogback.configurationFile=...) or a test
        }
        Map<String, String> env = new HashMap<>();
        Path envFile = envFile(args);
        Path file = context.workingDirectory().resolve(envFile == null ? Path.of(".env") : envFile);
        if (Files.isRegularFile(file)) {
            try {
                env.putAll(DotEnv.read(file));
            } catch (ConfigException e) {
                // Reported with the rest of the configuration, by the command.
            }
        }
        context.environment().forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                env.put(k, v);
            }
        });
        boolean json = "json".equalsIgnoreCase(env.getOrDefault("LOG_FORMAT", "").strip());
        String command = command(args);
        boolean daemon = DAEMON_COMMANDS.contains(command);
        String level = env.getOrDefault("LOG_LEVEL", daemon ? "INFO" : "WARN").strip().toUpperCase(Locale.ROOT);
        System.setProperty("queueworker.log.level", level);
        System.setProperty("queueworker.log.target", daemon ? "System.out" : "System.err");
        System.setProperty("logback.configurationFile", json ? "queue-worker-logback-json.xml" : "queue-worker-logback.xml");
    }

    private static String command(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--env-file") || args[i].equals("--tenants") || args[i].equals("--client")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return "";
    }

    private static Path envFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            // Tenants mode: the daemon's LOG_FORMAT and LOG_LEVEL are in DIR/.env.
            if (args[i].equals("--tenants") && i + 1 < args.length) {
                return Path.of(args[i + 1]).resolve(".env");
            }
            if (args[i].startsWith("--tenants=")) {
                return Path.of(args[i].substring("--tenants=".length())).resolve(".env");
            }
            if (args[i].equals("--env-file") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--env-file=")) {
                return Path.of(args[i].substring("--env-file=".length()));
            }
        }
        return null;
    }
}
