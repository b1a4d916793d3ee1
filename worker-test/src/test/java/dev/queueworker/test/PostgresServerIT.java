package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The throwaway PostgreSQL fixture: a real server that stops, starts again with its data, and cleans up. */
class PostgresServerIT {

    @Test
    void starts_with_pgvector_survives_a_restart_and_deletes_itself() throws Exception {
        Path dir;
        try (PostgresServer postgres = PostgresServer.start()) {
            assertThat(postgres.databaseUrl())
                    .isEqualTo("postgresql://queueworker:queueworker@127.0.0.1:" + postgres.port() + "/queueworker");
            assertThat(postgres.execute("SELECT extname FROM pg_extension WHERE extname = 'vector'")).isEqualTo("vector");
            assertThat(postgres.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'queueworker'"))
                    .isEqualTo("queueworker");
            assertThat(postgres.execute("SHOW listen_addresses")).isEqualTo("127.0.0.1");
            postgres.execute("CREATE TABLE kept (v vector(3)); INSERT INTO kept VALUES ('[1,2,3]')");
            assertThat(listening(postgres.port())).isTrue();
            dir = postgres.directory();
            assertThat(dir).isDirectory();

            postgres.stop();
            assertThat(postgres.isRunning()).isFalse();
            assertThat(listening(postgres.port())).isFalse();
            assertThatThrownBy(() -> postgres.execute("SELECT 1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("psql failed");

            postgres.restart();
            assertThat(postgres.execute("SELECT v::text FROM kept")).isEqualTo("[1,2,3]");

            postgres.stopImmediately();
            postgres.restart();
            assertThat(postgres.execute("SELECT count(*) FROM kept")).isEqualTo("1");
        }
        assertThat(Files.exists(dir)).as("close deletes the cluster").isFalse();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
