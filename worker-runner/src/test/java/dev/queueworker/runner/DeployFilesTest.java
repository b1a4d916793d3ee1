package dev.queueworker.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static dev.queueworker.runner.InstallScript.contents;
import static dev.queueworker.runner.InstallScript.currentJava;
import static dev.queueworker.runner.InstallScript.directive;
import static dev.queueworker.runner.InstallScript.run;
import static dev.queueworker.runner.InstallScript.systemdAnalyze;
import static dev.queueworker.runner.InstallScript.tree;

import dev.queueworker.runner.InstallScript.Result;
import dev.queueworker.runner.internal.config.DotEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment files of {@code deploy/} and {@code .env.worker.example}: the systemd install script
 * run into a staging root, the units it writes checked by {@code systemd-analyze} (verify, and the
 * offline security score), and the example environment file against docs/configuration.md.
 * {@code systemd-analyze} (systemd 252 or later) must be installed: without it these tests fail.
 */
class DeployFilesTest {

    private static final String CLIENT = "southhaven";
    private static final String DIR = "/opt/queue-worker";
    private static final String PLAIN_UNIT = "etc/systemd/system/queue-worker-southhaven.service";
    private static final String TEMPLATE_UNIT = "etc/systemd/system/queue-worker-southhaven@.service";

    /** The variables the daemon reads beyond docs/configuration.md's tables. */
    private static final List<String> DAEMON_VARIABLES = List.of("WORKER_TASK_TYPES", "DOCUMENT_STORE",
            "DOCUMENTS_DIR", "WORKER_PLUGINS_DIR", "WORKER_HTTP_PORT", "WORKER_HTTP_BIND", "LOG_FORMAT", "LOG_LEVEL",
            "SUPABASE_URL", "SUPABASE_KEY");

    private static final List<String> SECRETS = List.of("AZURE_STORAGE_CONNECTION_STRING", "WEBHOOK_SECRET",
            "OPENAI_API_KEY", "DATABASE_URL", "SUPABASE_KEY");

    private static Path repoRoot;
    private static Path script;

    @TempDir
    Path staging;

    @BeforeAll
    static void findRepositoryRoot() {
        repoRoot = RepositoryFiles.root("deploy/systemd/install-worker-service.sh");
        script = repoRoot.resolve("deploy/systemd/install-worker-service.sh");
    }

    @Test
    void installScriptWritesExactlyTheExpectedFiles() throws Exception {
        Result result = install(CLIENT, DIR);

        assertThat(result.exit()).as(result.describe()).isZero();
        assertThat(result.stderr()).as(result.describe()).isEmpty();
        assertThat(tree(staging)).containsExactlyInAnyOrder(
                "etc/", "etc/systemd/", "etc/systemd/system/", PLAIN_UNIT, TEMPLATE_UNIT,
                "opt/", "opt/queue-worker/", "opt/queue-worker/.env", "opt/queue-worker/clients/",
                "opt/queue-worker/clients/southhaven.env", "opt/queue-worker/data/", "opt/queue-worker/data/southhaven/");
        // Staging mode touches nothing outside the staging root: it says what it would do instead.
        assertThat(result.stdout())
                .contains("would run: useradd --system", "would run: chown root:worker /opt/queue-worker/.env",
                        "would run: chown worker:worker /opt/queue-worker/data/southhaven",
                        "would run: chown root:worker /opt/queue-worker/clients/southhaven.env",
                        "would run: systemctl daemon-reload",
                        "would run: systemctl enable queue-worker-southhaven.service");

        for (String unit : List.of(PLAIN_UNIT, TEMPLATE_UNIT)) {
            List<String> lines = Files.readAllLines(staging.resolve(unit));
            assertThat(lines).as(unit).contains(
                    "Type=exec",
                    "User=worker",
                    "Group=worker",
                    "WorkingDirectory=/opt/queue-worker",
                    "EnvironmentFile=/opt/queue-worker/.env",
                    "EnvironmentFile=/opt/queue-worker/clients/southhaven.env",
                    "ReadWritePaths=/opt/queue-worker/data/southhaven",
                    "MemoryMax=1G",
                    "Restart=on-failure",
                    "RestartPreventExitStatus=2",
                    "KillSignal=SIGTERM",
                    "NoNewPrivileges=yes",
                    "PrivateTmp=yes",
                    "ProtectSystem=strict",
                    "ProtectHome=yes",
                    "CapabilityBoundingSet=",
                    "SyslogIdentifier=queue-worker-southhaven",
                    "WantedBy=multi-user.target");
            // The client is the command line's: no settings file can change it.
            assertThat(directive(lines, "ExecStart")).as(unit)
                    .matches("/usr/bin/env WORKER_DATA_DIR=\\S+ DJL_CACHE_DIR=\\S+ /usr/bin/java -Xmx640m .*-jar"
                            + " /opt/queue-worker/queue-worker\\.jar run --client southhaven"
                            + " --env-file /opt/queue-worker/clients/southhaven\\.env");
            assertThat(lines).as(unit).noneMatch(l -> l.startsWith("Environment="));
            // The JIT needs writable and executable memory.
            assertThat(lines).as(unit).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute="));
            // Longer than the default drain, WORKER_SHUTDOWN_TIMEOUT=30s.
            assertThat(seconds(directive(lines, "TimeoutStopSec"))).as(unit).isGreaterThan(30);
        }
        List<String> plain = Files.readAllLines(staging.resolve(PLAIN_UNIT));
        List<String> template = Files.readAllLines(staging.resolve(TEMPLATE_UNIT));
        assertThat(directive(plain, "ExecStart")).startsWith("/usr/bin/env WORKER_DATA_DIR=/opt/queue-worker/data/southhaven"
                + " DJL_CACHE_DIR=/opt/queue-worker/data/southhaven/.djl.ai ");
        assertThat(directive(template, "ExecStart")).startsWith("/usr/bin/env"
                + " WORKER_DATA_DIR=/opt/queue-worker/data/southhaven/%i");
        assertThat(template).contains("ExecStartPre=/bin/mkdir -p /opt/queue-worker/data/southhaven/%i");
        // One template function writes both: the same directives, in the same order, but the
        // template's own data directory.
        assertThat(directiveNames(template)).isEqualTo(withExecStartPre(directiveNames(plain)));

        Path env = staging.resolve("opt/queue-worker/.env");
        assertThat(Files.readAllLines(env)).contains("AZURE_STORAGE_CONNECTION_STRING=")
                .noneMatch(l -> l.startsWith("CLIENT_ID"));
        assertThat(DotEnv.read(env)).doesNotContainKey("CLIENT_ID");
        Path clientEnv = staging.resolve("opt/queue-worker/clients/southhaven.env");
        assertThat(DotEnv.read(clientEnv)).as("only comments").isEmpty();
        for (Path secret : List.of(env, clientEnv)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-r-----");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                staging.resolve("opt/queue-worker/data/southhaven")))).isEqualTo("rwxr-x---");
    }

    @Test
    void installScriptIsIdempotentAndKeepsAnEditedEnvFile() throws Exception {
        assertThat(install(CLIENT, DIR).exit()).isZero();
        Map<String, String> first = contents(staging);
        Path env = staging.resolve("opt/queue-worker/.env");
        Files.writeString(env, "AZURE_STORAGE_CONNECTION_STRING=edited\n");
        Path clientEnv = staging.resolve("opt/queue-worker/clients/southhaven.env");
        Files.writeString(clientEnv, "WORKER_CONCURRENCY=2\n");

        Result again = install(CLIENT, DIR + "/");

        assertThat(again.exit()).as(again.describe()).isZero();
        assertThat(again.stdout()).contains("kept ", "unchanged ");
        Map<String, String> second = contents(staging);
        assertThat(second.keySet()).isEqualTo(first.keySet());
        assertThat(second.get(PLAIN_UNIT)).isEqualTo(first.get(PLAIN_UNIT));
        assertThat(second.get(TEMPLATE_UNIT)).isEqualTo(first.get(TEMPLATE_UNIT));
        assertThat(Files.readString(env)).isEqualTo("AZURE_STORAGE_CONNECTION_STRING=edited\n");
        assertThat(Files.readString(clientEnv)).isEqualTo("WORKER_CONCURRENCY=2\n");
    }

    @Test
    void aSecondClientInTheSameDirLeavesTheFirstClientsFilesAlone() throws Exception {
        assertThat(install(CLIENT, DIR).exit()).isZero();
        Files.writeString(staging.resolve("opt/queue-worker/.env"), "AZURE_STORAGE_CONNECTION_STRING=shared\n");
        Map<String, String> first = contents(staging);

        Result demo = install("demo", DIR);

        assertThat(demo.exit()).as(demo.describe()).isZero();
        Map<String, String> both = contents(staging);
        first.forEach((file, text) -> assertThat(both.get(file)).as(file).isEqualTo(text));
        assertThat(both.keySet()).containsAll(first.keySet()).contains(
                "etc/systemd/system/queue-worker-demo.service", "etc/systemd/system/queue-worker-demo@.service",
                "opt/queue-worker/clients/demo.env");
        assertThat(Files.isDirectory(staging.resolve("opt/queue-worker/data/demo"))).isTrue();
        assertThat(directive(Files.readAllLines(staging.resolve("etc/systemd/system/queue-worker-demo.service")),
                "ExecStart")).contains("WORKER_DATA_DIR=/opt/queue-worker/data/demo ", " run --client demo ");
    }

    @Test
    void theOldLayoutsClientIdInTheSharedEnvIsMigratedForItsClientAndRefusedForAnother() throws Exception {
        Path env = Files.createDirectories(staging.resolve("opt/queue-worker")).resolve(".env");
        String old = "CLIENT_ID=southhaven\nAZURE_STORAGE_CONNECTION_STRING=kept\n";
        Files.writeString(env, old);

        Result other = install("demo", DIR);
        assertThat(other.exit()).as(other.describe()).isEqualTo(1);
        assertThat(other.stderr().lines().toList()).as(other.describe()).hasSize(1);
        assertThat(other.stderr()).contains("/opt/queue-worker/.env sets CLIENT_ID=southhaven",
                "install-worker-service.sh southhaven /opt/queue-worker' first");
        assertThat(tree(staging)).as("nothing written").containsExactly("opt/", "opt/queue-worker/",
                "opt/queue-worker/.env");

        Result same = install(CLIENT, DIR);
        assertThat(same.exit()).as(same.describe()).isZero();
        assertThat(same.stdout()).contains("migrated ");
        assertThat(DotEnv.read(env)).containsOnly(Map.entry("AZURE_STORAGE_CONNECTION_STRING", "kept"));
        assertThat(Files.readString(staging.resolve("opt/queue-worker/.env.before-clients"))).isEqualTo(old);

        Result demo = install("demo", DIR);
        assertThat(demo.exit()).as(demo.describe()).isZero();
    }

    @Test
    void installScriptOptionsReachTheUnits() throws Exception {
        Result result = install(CLIENT, "/srv/qw", "--memory", "2G", "--user", "qw", "--java",
                "/usr/lib/jvm/java-17/bin/java", "--no-enable");

        assertThat(result.exit()).as(result.describe()).isZero();
        assertThat(result.stdout()).contains("would run: systemctl daemon-reload").doesNotContain("systemctl enable");
        for (String unit : List.of("etc/systemd/system/queue-worker-southhaven.service",
                "etc/systemd/system/queue-worker-southhaven@.service")) {
            List<String> lines = Files.readAllLines(staging.resolve(unit));
            assertThat(lines).contains("User=qw", "MemoryMax=2G", "EnvironmentFile=/srv/qw/.env",
                    "EnvironmentFile=/srv/qw/clients/southhaven.env", "ReadWritePaths=/srv/qw/data/southhaven");
            assertThat(directive(lines, "ExecStart")).contains(" /usr/lib/jvm/java-17/bin/java -Xmx1280m ");
        }
    }

    @Test
    void unitsPassSystemdAnalyzeVerify() throws Exception {
        // verify checks that ExecStart's program exists on this machine: name the JVM running this test.
        assertThat(install(CLIENT, DIR, "--java", currentJava()).exit()).isZero();
        Path plain = staging.resolve(PLAIN_UNIT);
        Path template = staging.resolve(TEMPLATE_UNIT);

        Result result = run(List.of(systemdAnalyze(), "verify", "--man=no", "--generators=no",
                plain.toString(), template.toString()));

        assertThat(result.exit()).as(result.describe()).isZero();
        // Complaints about other units of this machine are not ours; none may name these files.
        assertThat((result.stdout() + result.stderr()).lines())
                .as(result.describe())
                .noneMatch(l -> l.contains("queue-worker-southhaven"));
    }

    @Test
    void unitsScoreTwoOrLessInSystemdAnalyzeSecurity() throws Exception {
        assertThat(install(CLIENT, DIR).exit()).isZero();
        Pattern overall = Pattern.compile("Overall exposure level for (\\S+): (\\d+(?:\\.\\d+)?)");

        for (String unit : List.of(PLAIN_UNIT, TEMPLATE_UNIT)) {
            Result result = run(List.of(systemdAnalyze(), "security", "--offline=true", "--no-pager",
                    staging.resolve(unit).toString()));

            assertThat(result.exit()).as(result.describe()).isZero();
            Matcher m = overall.matcher(result.stdout());
            if (!m.find()) {
                fail("no 'Overall exposure level' in the output of systemd-analyze security for " + unit + "\n"
                        + result.describe());
            }
            double score = Double.parseDouble(m.group(2));
            System.out.println("systemd-analyze security --offline=true " + m.group(1) + ": " + score);
            assertThat(score).as("exposure of " + unit + "\n" + result.stdout()).isLessThanOrEqualTo(2.0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"South_Haven", "UPPER", "a--b", "trailing-", "x.y",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 51 */})
    void installScriptRefusesABadClientId(String clientId) throws Exception {
        Result result = install(clientId, DIR);

        assertThat(result.exit()).as(result.describe()).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr().lines().toList()).as(result.describe()).hasSize(1);
        assertThat(result.stderr()).contains("CLIENT_ID", clientId);
        assertThat(tree(staging)).isEmpty();
    }

    @Test
    void installScriptRefusesARelativeDirAndPrintsHelp() throws Exception {
        Result relative = install(CLIENT, "opt/queue-worker");
        assertThat(relative.exit()).isEqualTo(2);
        assertThat(relative.stderr().lines().toList()).as(relative.describe()).hasSize(1);
        assertThat(relative.stderr()).contains("DIR", "absolute");

        Result home = install(CLIENT, "/home/worker/qw");
        assertThat(home.exit()).isEqualTo(2);
        assertThat(home.stderr()).contains("ProtectHome");

        Result help = run(List.of("bash", script.toString(), "--help"));
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).startsWith("Usage: install-worker-service.sh CLIENT_ID DIR")
                .contains("--root STAGING", "--memory", "--no-enable");
        assertThat(tree(staging)).isEmpty();
    }

    @Test
    void envExampleListsEveryVariable() throws IOException {
        Set<String> documented = RepositoryFiles.documentedVariables(repoRoot);
        assertThat(documented).as("variables in docs/configuration.md's tables")
                .hasSizeGreaterThan(40)
                .contains("CLIENT_ID", "WORKER_SHUTDOWN_TIMEOUT", "DATABASE_URL");

        RepositoryFiles.EnvExample example = RepositoryFiles.envExample(repoRoot);
        Map<String, String> active = example.active();
        Map<String, String> commented = example.commented();
        Set<String> listed = example.names();

        Set<String> expected = new TreeSet<>(documented);
        expected.addAll(DAEMON_VARIABLES);
        assertThat(listed).as("variables in .env.worker.example").containsAll(expected);
        assertThat(listed).as("no variable the worker does not read").isSubsetOf(expected);
        // Required settings are present; everything else is optional and commented out.
        assertThat(active).containsOnlyKeys("CLIENT_ID", "AZURE_STORAGE_CONNECTION_STRING");
        // The daemon's own .env reader reads it the same way.
        assertThat(DotEnv.read(repoRoot.resolve(".env.worker.example")))
                .containsOnlyKeys("CLIENT_ID", "AZURE_STORAGE_CONNECTION_STRING");
        for (String secret : SECRETS) {
            String value = active.containsKey(secret) ? active.get(secret) : commented.get(secret);
            assertThat(value).as("placeholder of the secret " + secret).isEmpty();
        }
    }

    // ---- helpers ----

    private Result install(String clientId, String dir, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString(), clientId, dir, "--root",
                staging.toString()));
        command.addAll(Arrays.asList(options));
        return run(command);
    }

    private static List<String> directiveNames(List<String> lines) {
        return lines.stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.startsWith("[") ? l : l.substring(0, l.indexOf('=')))
                .collect(Collectors.toList());
    }

    private static List<String> withExecStartPre(List<String> names) {
        List<String> out = new ArrayList<>(names);
        out.add(out.indexOf("ExecStart") + 1, "ExecStartPre");
        return out;
    }

    /** A systemd time span of seconds or minutes, as the units write it. */
    private static long seconds(String span) {
        Matcher m = Pattern.compile("(\\d+)(s|min)?").matcher(span);
        assertThat(m.matches()).as("time span " + span).isTrue();
        long n = Long.parseLong(m.group(1));
        return "min".equals(m.group(2)) ? n * 60 : n;
    }
}
