package dev.queueworker.runner.internal.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.TaskHandler;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin jars as users build them: compiled apart from the daemon, found through ServiceLoader. */
class PluginsTest {

    @TempDir
    Path dir;

    /** Compiles a handler of {@code type} into {@code <name>.jar} in {@code pluginsDir}, with its services file. */
    static Path pluginJar(Path pluginsDir, String name, String className, String type) throws Exception {
        Path src = Files.createDirectories(pluginsDir.resolveSibling("src-" + name)).resolve(className + ".java");
        Files.writeString(src, """
                package example.plugin;
                public final class %s implements dev.queueworker.api.TaskHandler {
                    public String taskType() { return "%s"; }
                    public dev.queueworker.api.TaskResult handle(dev.queueworker.api.Task task,
                            dev.queueworker.api.TaskContext context) {
                        return dev.queueworker.api.TaskResult.empty();
                    }
                }
                """.formatted(className, type));
        Path classes = Files.createDirectories(pluginsDir.resolveSibling("classes-" + name));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertThat(rc).as("javac").isZero();
        Files.createDirectories(pluginsDir);
        Path jar = pluginsDir.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("example/plugin/" + className + ".class"));
            out.write(Files.readAllBytes(classes.resolve("example/plugin/" + className + ".class")));
            out.putNextEntry(new JarEntry("META-INF/services/" + TaskHandler.class.getName()));
            out.write(("example.plugin." + className + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private RunnerConfig config(Path pluginsDir, String taskTypes) {
        return RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock", "WORKER_PLUGINS_DIR", pluginsDir.toString(),
                "WORKER_TASK_TYPES", taskTypes), dir, null);
    }

    @Test
    void aPluginJarsHandlerRunsAndTheBuiltInOnesAreNotLoadedWhenNotWanted() throws Exception {
        Path plugins = dir.resolve("plugins");
        pluginJar(plugins, "echo", "EchoHandler", "echo");
        Files.writeString(plugins.resolve("README.txt"), "not a jar: ignored");
        try (Components.Handlers handlers = Components.handlers(config(plugins, "echo"))) {
            assertThat(handlers.handlers()).extracting(TaskHandler::taskType).containsExactly("echo");
            assertThat(handlers.handlers().get(0).getClass().getClassLoader().getName())
                    .isEqualTo("queue-worker-plugins");
            assertThat(handlers.resources()).as("no AiHandlers: nothing loaded a model")
                    .noneMatch(r -> r.getClass().getSimpleName().equals("AiHandlers"));
        }
    }

    @Test
    void aPluginClaimingABuiltInTypeIsRefused() throws Exception {
        Path plugins = dir.resolve("plugins");
        pluginJar(plugins, "clash", "MyIngest", "ingest");
        assertThatThrownBy(() -> Components.handlers(config(plugins, "ingest")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("plugin example.plugin.MyIngest (clash.jar) declares task type 'ingest', which is built in:"
                        + " give the plugin's handler another type");
    }

    @Test
    void twoPluginsClaimingOneTypeAreRefused() throws Exception {
        Path plugins = dir.resolve("plugins");
        pluginJar(plugins, "a", "FirstOcr", "ocr");
        pluginJar(plugins, "b", "SecondOcr", "ocr");
        assertThatThrownBy(() -> Components.handlers(config(plugins, "ocr")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("task type 'ocr' is declared by two plugins: example.plugin.FirstOcr (a.jar) and"
                        + " example.plugin.SecondOcr (b.jar)");
    }

    @Test
    void taskTypesThatNothingRunsAreRefusedNamingWhatIsAvailable() throws Exception {
        Path plugins = dir.resolve("plugins");
        pluginJar(plugins, "echo", "EchoHandler", "echo");
        assertThatThrownBy(() -> Components.handlers(config(plugins, "echo,translate")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("WORKER_TASK_TYPES names 'translate', which no handler runs; available: echo, ingest,"
                        + " summarize");
    }

    @Test
    void anEmptyPluginsDirectoryAddsNothing() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("empty"));
        assertThat(Plugins.load(plugins).handlers()).isEmpty();
    }
}
