package dev.queueworker.runner.internal.config;

/**
 * Bad or missing configuration: the CLI prints {@link #getMessage()} as one line and exits 2. The
 * message names the variable and what is expected, and never holds a secret value.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message, null, false, false);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
