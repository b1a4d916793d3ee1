package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Depth gauges ask the queue at most every ten seconds, however often they are read. */
class QueueDepthGaugesTest {
    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());

    @Test
    void aReadIsCachedForTenSecondsThenAskedAgain() {
        QueueDepthGauges gauges = new QueueDepthGauges(queue, time.clock());
        queue.send("{}", Duration.ZERO);
        assertThat(gauges.depth()).isEqualTo(1L);

        queue.send("{}", Duration.ZERO);
        time.advance(Duration.ofSeconds(10));
        assertThat(gauges.depth()).as("still cached").isEqualTo(1L);

        time.advance(Duration.ofMillis(1));
        assertThat(gauges.depth()).isEqualTo(2L);
        assertThat(gauges.poisonDepth()).isEqualTo(0L);
    }

    @Test
    void theGaugesAreRegisteredWithTheEnginesMeters() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new QueueDepthGauges(queue, time.clock()).register(new WorkerMetrics(meters), () -> 3);
        queue.send("{}", Duration.ZERO);

        assertThat(meters.get("queueworker.queue.depth").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("queueworker.poison.depth").gauge().value()).isZero();
        assertThat(meters.get("queueworker.tasks.in_flight").gauge().value()).isEqualTo(3.0);
    }
}
