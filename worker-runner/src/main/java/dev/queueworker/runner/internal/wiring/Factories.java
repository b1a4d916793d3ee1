package dev.queueworker.runner.internal.wiring;

import dev.queueworker.runner.internal.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Finds a factory by the name the configuration gives, with one {@link ServiceLoader} lookup over
 * {@code loader}: the daemon's own modules declare the built-in ones (worker-core, worker-azure,
 * worker-ai), the plugin jars (when {@code loader} is the plugins' loader) the others.
 */
public final class Factories {

    private Factories() {
    }

    /**
     * The one factory of {@code type} named {@code name}.
     *
     * @param variable the variable that named it, for the messages
     * @throws ConfigException when none or two are named {@code name}, listing the names found
     */
    public static <F> F find(ClassLoader loader, Class<F> type, Function<F, String> nameOf, String name, String variable) {
        ClassLoader daemon = Factories.class.getClassLoader();
        F found = null;
        List<String> plugins = new ArrayList<>();
        List<String> builtIn = new ArrayList<>();
        try {
            for (F factory : ServiceLoader.load(type, loader)) {
                String n = nameOf.apply(factory);
                (factory.getClass().getClassLoader() == daemon ? builtIn : plugins).add(n);
                if (name.equals(n)) {
                    if (found != null) {
                        throw new ConfigException(variable + "=" + name + ": two declare it: "
                                + found.getClass().getName() + " and " + factory.getClass().getName());
                    }
                    found = factory;
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigException("WORKER_PLUGINS_DIR: a plugin's " + type.getSimpleName() + " cannot be loaded: "
                    + e.getMessage());
        }
        if (found == null) {
            plugins.sort(null);
            builtIn.sort(null);
            throw new ConfigException(variable + "=" + name + ": no plugin in WORKER_PLUGINS_DIR declares a "
                    + type.getSimpleName() + " of that name" + (plugins.isEmpty() ? "" : "; they declare "
                    + String.join(", ", plugins)) + " (built in: " + String.join(", ", builtIn) + ")");
        }
        return found;
    }

    /** Whether {@code factory} is one the daemon's own modules declare, not a plugin's. */
    static boolean builtIn(Object factory) {
        return factory.getClass().getClassLoader() == Factories.class.getClassLoader();
    }
}
