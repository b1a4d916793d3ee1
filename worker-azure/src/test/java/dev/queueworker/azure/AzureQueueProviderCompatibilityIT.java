package dev.queueworker.azure;

import dev.queueworker.test.Azurite;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.test.QueueProviderCompatibilityKit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The queue provider contract, against a real Azurite: one process per class, fresh queues per test. */
class AzureQueueProviderCompatibilityIT extends QueueProviderCompatibilityKit {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static Azurite azurite;

    @BeforeAll
    static void startAzurite() {
        azurite = Azurite.start();
    }

    @AfterAll
    static void stopAzurite() {
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    protected QueueProvider createProvider() {
        return AzureQueueProvider.builder()
                .connectionString(azurite.connectionString())
                .clientId("compat-" + CLIENTS.incrementAndGet())
                .build();
    }

    /** Real time passes: wait for the wall clock, parking between looks. */
    @Override
    protected void elapse(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            LockSupport.parkNanos(Math.min(deadline - System.nanoTime(), 50_000_000L));
        }
    }
}
