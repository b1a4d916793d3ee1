package dev.queueworker.runner;

import static dev.queueworker.runner.InstallScript.contents;
import static dev.queueworker.runner.InstallScript.currentJava;
import static dev.queueworker.runner.InstallScript.directive;
import static dev.queueworker.runner.InstallScript.run;
import static dev.queueworker.runner.InstallScript.systemdAnalyze;
import static dev.queueworker.runner.InstallScript.tree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.runner.InstallScript.Result;
import dev.queueworker.runner.internal.config.DotEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install-worker-service.sh --tenants DIR}: one unit for every client of DIR (docs/tenants.md),
 * in staging mode ({@code --root}), checked with systemd-analyze as the per-client units are.
 */
class DeployTenantsFilesTest {
    private static final String DIR = "/opt/queue-worker";
    private static final String UNIT = "etc/systemd/system/queue-worker-tenants.service";

    @TempDir
    Path staging;

    @Test
    void writesOneUnitThatReadsTheDirectoryItselfAndReloadsOnSighup() throws Exception {
        Result result = install("--add-client", "alpha", "--add-client", "beta");

        assertThat(result.exit()).as(result.describe()).isZero();
        assertThat(tree(staging)).containsExactlyInAnyOrder(
                "etc/", "etc/systemd/", "etc/systemd/system/", UNIT,
                "opt/", "opt/queue-worker/", "opt/queue-worker/.env", "opt/queue-worker/clients/",
                "opt/queue-worker/clients/alpha.env", "opt/queue-worker/clients/beta.env",
                "opt/queue-worker/data/", "opt/queue-worker/data/_tenants/", "opt/queue-worker/data/alpha/",
                "opt/queue-worker/data/beta/");
        List<String> unit = Files.readAllLines(staging.resolve(UNIT));
        assertThat(directive(unit, "ExecStart")).matches("/usr/bin/java -Xmx640m .*-jar"
                + " /opt/queue-worker/queue-worker\\.jar run --tenants /opt/queue-worker");
        assertThat(directive(unit, "ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(directive(unit, "ReadWritePaths")).isEqualTo("/opt/queue-worker/data");
        assertThat(unit).contains("RestartPreventExitStatus=2", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "CapabilityBoundingSet=", "MemoryMax=1G", "SyslogIdentifier=queue-worker-tenants");
        // The daemon reads DIR itself: an EnvironmentFile= would let shared values beat a client's own file.
        assertThat(unit).noneMatch(l -> l.startsWith("EnvironmentFile="));
        for (String client : List.of("alpha", "beta")) {
            assertThat(DotEnv.read(staging.resolve("opt/queue-worker/clients/" + client + ".env")))
                    .as("only comments").isEmpty();
        }
        assertThat(result.stdout()).contains("systemctl reload queue-worker-tenants");
    }

    @Test
    void addingAClientLeavesEveryOtherFileAsItWas() throws Exception {
        assertThat(install("--add-client", "alpha").exit()).isZero();
        Path alpha = staging.resolve("opt/queue-worker/clients/alpha.env");
        Files.writeString(alpha, "WEBHOOK_URL=https://alpha.example/hook\n");
        Map<String, String> before = contents(staging);

        Result second = install("--add-client", "beta");

        assertThat(second.exit()).as(second.describe()).isZero();
        Map<String, String> after = contents(staging);
        before.forEach((file, text) -> assertThat(after.get(file)).as(file).isEqualTo(text));
        assertThat(after).containsKey("opt/queue-worker/clients/beta.env");
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerifyAndScoresTwoOrLess() throws Exception {
        assertThat(install("--add-client", "alpha", "--java", currentJava()).exit()).isZero();
        Path unit = staging.resolve(UNIT);

        Result verify = run(List.of(systemdAnalyze(), "verify", "--man=no", "--generators=no", unit.toString()));
        assertThat(verify.exit()).as(verify.describe()).isZero();
        assertThat((verify.stdout() + verify.stderr()).lines()).noneMatch(l -> l.contains("queue-worker-tenants"));

        Result security = run(List.of(systemdAnalyze(), "security", "--offline=true", "--no-pager", unit.toString()));
        Matcher m = Pattern.compile("Overall exposure level for \\S+: (\\d+(?:\\.\\d+)?)").matcher(security.stdout());
        assertThat(m.find()).as(security.describe()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as(security.stdout()).isLessThanOrEqualTo(2.0);
    }

    private Result install(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", InstallScript.script().toString(), "--tenants", DIR,
                "--root", staging.toString()));
        command.addAll(Arrays.asList(options));
        return run(command);
    }
}
