package dev.queueworker.runner.internal.tenants;

import dev.queueworker.runner.internal.config.RunnerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One client's settings as read from {@code DIR/clients/<client>.env}: either a configuration the
 * client can run with, or why it cannot. {@link #fingerprint()} is what a reload compares to decide
 * whether the client changed.
 */
sealed interface ClientSettings {

    /** The client id: the file's name without {@code .env}. */
    String client();

    /** The client's file. */
    Path file();

    /** The inputs the settings were made of (merged variables, or the problem): equal when unchanged. */
    Object fingerprint();

    /** Settings the client can run with. */
    record Valid(String client, Path file, RunnerConfig config) implements ClientSettings {
        public Valid {
            Objects.requireNonNull(config, "'config' cannot be null.");
        }

        @Override
        public Object fingerprint() {
            return config.variables();
        }
    }

    /**
     * Settings the client cannot run with.
     *
     * @param why one line naming the file and the variable at fault; never a secret
     * @param inputs what was read (merged variables, or the file's problem), for {@link #fingerprint()}
     */
    record Invalid(String client, Path file, String why, Map<String, String> inputs) implements ClientSettings {
        @Override
        public Object fingerprint() {
            return inputs;
        }

        @Override
        public String toString() {
            return "Invalid[client=" + client + ", file=" + file + ", why=" + why + "]";
        }
    }
}
