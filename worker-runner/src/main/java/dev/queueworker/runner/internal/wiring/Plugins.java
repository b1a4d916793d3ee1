package dev.queueworker.runner.internal.wiring;

import dev.queueworker.api.TaskHandler;
import dev.queueworker.runner.internal.config.ConfigException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The handler plugins of {@code WORKER_PLUGINS_DIR}: every {@code *.jar} there (not its
 * subdirectories) on one class loader whose parent is the daemon's, so plugins share the daemon's
 * worker-api and libraries; handlers are found by {@link ServiceLoader}
 * ({@code META-INF/services/dev.queueworker.api.TaskHandler}).
 */
final class Plugins implements AutoCloseable {

    static final Plugins NONE = new Plugins(null, List.of());

    private final URLClassLoader loader;
    private final List<TaskHandler> handlers;

    private Plugins(URLClassLoader loader, List<TaskHandler> handlers) {
        this.loader = loader;
        this.handlers = handlers;
    }

    /** Loads the plugins of {@code dir}. A jar that cannot be read or a handler that fails to load stops start-up. */
    static Plugins load(Path dir) {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                if (!Files.isReadable(jar)) {
                    throw new ConfigException("WORKER_PLUGINS_DIR: cannot read " + jar);
                }
                jars.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new ConfigException("WORKER_PLUGINS_DIR: " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException("WORKER_PLUGINS_DIR " + dir + " cannot be listed: " + e.getMessage());
        }
        if (jars.isEmpty()) {
            return NONE;
        }
        URLClassLoader loader = new URLClassLoader("queue-worker-plugins", jars.toArray(URL[]::new),
                Plugins.class.getClassLoader());
        List<TaskHandler> handlers = new ArrayList<>();
        try {
            // Only what the plugin jars declare: handlers the daemon's own class path declares are not plugins.
            Set<String> declaredByDaemon = new HashSet<>();
            ServiceLoader.load(TaskHandler.class, Plugins.class.getClassLoader()).stream()
                    .forEach(p -> declaredByDaemon.add(p.type().getName()));
            for (ServiceLoader.Provider<TaskHandler> provider : ServiceLoader.load(TaskHandler.class, loader).stream()
                    .toList()) {
                if (!declaredByDaemon.contains(provider.type().getName())) {
                    handlers.add(provider.get());
                }
            }
        } catch (ServiceConfigurationError e) {
            closeQuietly(loader);
            throw new ConfigException("WORKER_PLUGINS_DIR: a plugin's handler cannot be loaded: " + e.getMessage());
        }
        return new Plugins(loader, List.copyOf(handlers));
    }

    List<TaskHandler> handlers() {
        return handlers;
    }

    /**
     * The factory of {@code type} named {@code name}: a built-in one or one a plugin jar declares,
     * found by {@link Factories#find} over the plugins' class loader (whose parent is the daemon's).
     *
     * @param variable the variable that named it, for the messages
     * @throws ConfigException when none or two are named {@code name}
     */
    <F> F factory(Class<F> type, String name, java.util.function.Function<F, String> nameOf, String variable) {
        return Factories.find(loader != null ? loader : Plugins.class.getClassLoader(), type, nameOf, name, variable);
    }

    /** Where a handler's class came from, for messages: the jar's file name. */
    static String origin(TaskHandler handler) {
        CodeSource source = handler.getClass().getProtectionDomain().getCodeSource();
        String where = source == null || source.getLocation() == null ? "?"
                : Path.of(source.getLocation().getPath()).getFileName().toString();
        return handler.getClass().getName() + " (" + where + ")";
    }

    @Override
    public void close() {
        if (loader != null) {
            closeQuietly(loader);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // Nothing to do: the process is stopping.
        }
    }

    @Override
    public String toString() {
        return "plugins" + (loader == null ? "[]" : List.of(loader.getURLs()));
    }
}
