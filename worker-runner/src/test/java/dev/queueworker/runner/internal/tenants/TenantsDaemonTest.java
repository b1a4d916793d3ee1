package dev.queueworker.runner.internal.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.core.SharedSlots;
import dev.queueworker.runner.internal.wiring.Components;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloads on the in-memory queue: what changed restarts, what did not keeps running. */
class TenantsDaemonTest {

    @TempDir
    Path dir;

    private void write(String path, String text) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void aReloadStartsNewClientsDrainsRemovedOnesRestartsChangedOnesAndLeavesTheRestAlone() throws Exception {
        write(".env", "QUEUE_PROVIDER=mock\nDOCUMENT_STORE=memory\nWORKER_TASK_TYPES=summarize\n");
        write("clients/a.env", "");
        write("clients/b.env", "WORKER_SHARE=1\n");
        write("clients/c.env", "");
        write("clients/e.env", "WORKER_MAX_DEQUEUE_COUNT=0\n");
        TenantsDirectory read = TenantsDirectory.read(dir, Map.of());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TenantsDaemon daemon = new TenantsDaemon(dir, Map.of(), read.daemon(),
                new Tenant.Shared(Components.httpClient(), SharedSlots.of(4), registry));
        daemon.start(read);
        await(() -> daemon.states().values().stream().filter(TenantState::ready).count() == 3, "a, b and c ready");
        assertThat(daemon.states().get("e")).isInstanceOf(TenantState.Failed.class);
        Tenant a = daemon.running("a");
        Tenant b = daemon.running("b");
        Tenant c = daemon.running("c");

        write("clients/b.env", "WORKER_SHARE=2\n");
        Files.delete(dir.resolve("clients/c.env"));
        write("clients/d.env", "");
        write("clients/e.env", "");
        daemon.reload();

        assertThat(daemon.running("a")).isSameAs(a);
        assertThat(daemon.running("b")).isNotSameAs(b);
        assertThat(daemon.running("c")).isNull();
        assertThat(c.awaitStopped(Duration.ofSeconds(30))).isTrue();
        assertThat(b.awaitStopped(Duration.ofSeconds(30))).isTrue();
        await(() -> daemon.states().values().stream().allMatch(TenantState::ready), "a, b, d and e ready");
        assertThat(daemon.states()).containsOnlyKeys("a", "b", "d", "e");
        assertThat(a.state()).isInstanceOf(TenantState.Ready.class);
        assertThat(registry.find("queueworker.tasks.in_flight").tag("client_id", "b").meters()).hasSize(1);

        write("clients/a.env", "WORKER_VISIBILITY_TIMEOUT=soon\n");
        daemon.reload();
        assertThat(a.awaitStopped(Duration.ofSeconds(30))).isTrue();
        assertThat(daemon.states().get("a")).isEqualTo(new TenantState.Failed(
                "WORKER_VISIBILITY_TIMEOUT must be a duration such as 30s, 2m or 500ms, was 'soon' ("
                        + dir.resolve("clients/a.env") + ")", true));

        Files.delete(dir.resolve(".env"));
        Files.delete(dir.resolve("clients/b.env"));
        Files.delete(dir.resolve("clients/d.env"));
        Files.delete(dir.resolve("clients/e.env"));
        Files.delete(dir.resolve("clients/a.env"));
        daemon.reload(); // refused: no client file left; nothing changes
        assertThat(daemon.states()).containsOnlyKeys("a", "b", "d", "e");

        Tenant d = daemon.running("d");
        daemon.stop(Duration.ofSeconds(30));
        assertThat(d.state()).isInstanceOf(TenantState.Stopped.class);
        assertThat(daemon.running("b").state()).isInstanceOf(TenantState.Stopped.class);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}
