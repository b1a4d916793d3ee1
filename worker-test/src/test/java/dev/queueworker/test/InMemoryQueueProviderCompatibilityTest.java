package dev.queueworker.test;

import dev.queueworker.api.QueueProvider;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import java.time.Duration;

class InMemoryQueueProviderCompatibilityTest extends QueueProviderCompatibilityKit {
    private final ManualScheduler time = new ManualScheduler();

    @Override
    protected QueueProvider createProvider() {
        return new InMemoryQueueProvider(time.clock());
    }

    @Override
    protected void elapse(Duration duration) {
        time.advance(duration);
    }
}
