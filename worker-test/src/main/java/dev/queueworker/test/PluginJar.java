package dev.queueworker.test;

import dev.queueworker.api.TaskHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a handler plugin jar as a user would: one Java source compiled apart from the code under
 * test (against the test's class path), packaged with its
 * {@code META-INF/services/dev.queueworker.api.TaskHandler} entry. The daemon loads such jars from
 * {@code WORKER_PLUGINS_DIR}. Needs a JDK (the compiler), not only a JRE.
 *
 * <pre>{@code
 * PluginJar.build(pluginsDir.resolve("echo.jar"), "example.EchoHandler", """
 *         package example;
 *         public final class EchoHandler implements dev.queueworker.api.TaskHandler { ... }
 *         """);
 * }</pre>
 */
public final class PluginJar {

    private PluginJar() {
    }

    /**
     * Compiles {@code source} (the whole compilation unit of {@code className}, a {@link TaskHandler})
     * and writes the plugin jar to {@code jar}.
     *
     * @return {@code jar}
     * @throws IllegalStateException when the source does not compile (the compiler's messages go to standard error)
     */
    public static Path build(Path jar, String className, String source) {
        return build(jar, className, source, java.util.Map.of(TaskHandler.class, java.util.List.of(className)));
    }

    /**
     * Compiles {@code source} (the whole compilation unit of {@code className}; nested classes are
     * named by their binary names, {@code example.Plugin$Factory}) and writes a plugin jar declaring
     * {@code services}: for each SPI, such as {@code QueueProviderFactory}, the classes that implement it.
     *
     * @return {@code jar}
     * @throws IllegalStateException when the source does not compile (the compiler's messages go to standard error)
     */
    public static Path build(Path jar, String className, String source,
            java.util.Map<Class<?>, java.util.List<String>> services) {
        try {
            Path work = Files.createTempDirectory("plugin-src-");
            Path src = work.resolve(className.replace('.', '/') + ".java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, source, StandardCharsets.UTF_8);
            Path classes = Files.createDirectories(work.resolve("classes"));
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) {
                throw new IllegalStateException("no Java compiler: run the tests on a JDK");
            }
            if (javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                    src.toString()) != 0) {
                throw new IllegalStateException(className + " does not compile (see standard error)");
            }
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                }
                for (java.util.Map.Entry<Class<?>, java.util.List<String>> service : services.entrySet()) {
                    out.putNextEntry(new JarEntry("META-INF/services/" + service.getKey().getName()));
                    out.write((String.join("\n", service.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
