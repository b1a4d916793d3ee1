package dev.queueworker.runner.tenants;

import static dev.queueworker.runner.tenants.SharedChunkTableScenario.ALPHA;
import static dev.queueworker.runner.tenants.SharedChunkTableScenario.BETA;
import static dev.queueworker.runner.tenants.SharedChunkTableScenario.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.test.QueueWorkerProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: two clients of one deployment directory whose shared {@code .env} names one
 * {@code DATABASE_URL} and {@code PGVECTOR_TABLE} keep their own chunks, whether one daemon serves
 * both ({@code run --tenants DIR}) or each has its own service, as the systemd installer sets them up.
 * The real jar against Azurite and PostgreSQL; the steps and counts are {@link SharedChunkTableScenario}'s.
 */
class SharedChunkTableIT {

    @TempDir
    Path work;

    @Test
    void tenantsModeKeepsEachClientsChunksInASharedTable() throws Exception {
        try (SharedChunkTableScenario scenario = new SharedChunkTableScenario("tenants", work.resolve("deploy"));
                QueueWorkerProcess daemon = QueueWorkerProcess.start(work, Map.of(), "512m", "run", "--tenants",
                        scenario.dir().toString())) {
            daemon.awaitOutput("queue-worker ready: 2 of 2 clients", DEADLINE);
            scenario.play();
            stop(daemon);
        }
    }

    /**
     * Each process as its unit runs it: {@code WorkingDirectory=DIR}, both settings files in its
     * environment, {@code run --client <client> --env-file DIR/clients/<client>.env}.
     */
    @Test
    void twoPerClientServicesKeepEachClientsChunksInASharedTable() throws Exception {
        try (SharedChunkTableScenario scenario = new SharedChunkTableScenario("per-client services", work.resolve("deploy"));
                QueueWorkerProcess alpha = service(scenario, ALPHA);
                QueueWorkerProcess beta = service(scenario, BETA)) {
            alpha.awaitOutput("queue-worker ready", DEADLINE);
            beta.awaitOutput("queue-worker ready", DEADLINE);
            scenario.play();
            stop(alpha);
            stop(beta);
        }
    }

    private static QueueWorkerProcess service(SharedChunkTableScenario scenario, String client) {
        return QueueWorkerProcess.start(scenario.dir(), scenario.unitEnvironment(client), "512m", "run", "--client",
                client, "--env-file", scenario.clientFile(client).toString());
    }

    private static void stop(QueueWorkerProcess daemon) {
        daemon.terminate();
        assertThat(daemon.awaitExit(DEADLINE)).as(daemon.output()).isZero();
    }
}
