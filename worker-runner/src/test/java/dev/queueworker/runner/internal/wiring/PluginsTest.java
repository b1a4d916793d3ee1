package dev.queueworker.runner.internal.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.TaskHandler;
import dev.queueworker.runner.internal.config.ConfigException;
import dev.queueworker.runner.internal.config.RunnerConfig;
import dev.queueworker.test.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin jars as users build them: compiled apart from the daemon, found through ServiceLoader. */
class PluginsTest {

    @TempDir
    Path dir;

    /** A handler of {@code type} in {@code <name>.jar} in {@code pluginsDir}, compiled apart from the daemon. */
    static Path pluginJar(Path pluginsDir, String name, String className, String type) {
        return PluginJar.build(pluginsDir.resolve(name + ".jar"), "example.plugin." + className, """
                package example.plugin;
                public final class %s implements dev.queueworker.api.TaskHandler {
                    public String taskType() { return "%s"; }
                    public dev.queueworker.api.TaskResult handle(dev.queueworker.api.Task task,
                            dev.queueworker.api.TaskContext context) {
                        return dev.queueworker.api.TaskResult.empty();
                    }
                }
                """.formatted(className, type));
    }

    private RunnerConfig config(Path pluginsDir, String taskTypes) {
        return RunnerConfig.load(Map.of("QUEUE_PROVIDER", "mock", "WORKER_PLUGINS_DIR", pluginsDir.toString(),
                "WORKER_TASK_TYPES", taskTypes), dir, null);
    }

    @Test
    void aPluginJarsHandlerRunsAndTheBuiltInOnesAreNotLoadedWhenNotWanted() throws Exception {
        Path plugins = dir.resolve("plugins");
        pluginJar(plugins, "echo", "EchoHandler", "echo");
        Files.createDirectories(plugins);
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
