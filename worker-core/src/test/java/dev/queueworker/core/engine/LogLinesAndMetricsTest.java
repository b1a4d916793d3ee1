package dev.queueworker.core.engine;

import static dev.queueworker.core.fixtures.TaskMessages.aTaskMessage;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.queueworker.core.fixtures.EngineHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The log lines operators grep for (DESIGN.md), the MDC, and the engine's meters. */
class LogLinesAndMetricsTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.queueworker.core.Worker");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previous;

    @RegisterExtension
    final EngineHarness worker = EngineHarness.withHandlers(new EchoHandler());

    @BeforeEach
    void capture() {
        previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
    }

    @Test
    void aCompletedTaskLogsTheLinesOperatorsGrepFor() {
        String id = worker.submit(aTaskMessage("echo").taskId("6f1c0d1e-1111-2222-3333-444455556666"));
        worker.awaitCompleted(id);
        worker.webhooks().awaitTask(id, Duration.ofSeconds(10));

        List<String> lines = lines();
        assertThat(lines).contains("INFO Processing task " + id + ": echo",
                "INFO Task " + id + " completed with status: completed",
                "INFO Webhook sent successfully to " + worker.webhooks().url());
        ILoggingEvent processing = appender.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("Processing task")).findFirst().orElseThrow();
        assertThat(processing.getMDCPropertyMap()).containsEntry("task_id", id).containsEntry("task_type", "echo");

        assertThat(worker.meters().get("queueworker.tasks").tag("type", "echo").tag("outcome", "completed")
                .counter().count()).isEqualTo(1.0);
        assertThat(worker.meters().get("queueworker.task.duration").tag("type", "echo").timer().count()).isEqualTo(1);
        assertThat(worker.meters().get("queueworker.webhooks").tag("outcome", "delivered").counter().count())
                .isEqualTo(1.0);
        assertThat(worker.meters().get("queueworker.polls").tag("result", "messages").counter().count())
                .isGreaterThanOrEqualTo(1.0);
        // The listener hears of completion just before the run releases its slot.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (worker.meters().get("queueworker.tasks.in_flight").gauge().value() != 0
                && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        assertThat(worker.meters().get("queueworker.tasks.in_flight").gauge().value()).isZero();
        assertThat(worker.meters().get("queueworker.queue.depth").gauge().value()).isZero();
    }

    @Test
    void aRejectedWebhookAndAPoisonedTaskLogErrors() {
        worker.webhooks().respondWith(410);
        String id = worker.submit(aTaskMessage("nope").taskId("poisoned-1"));
        worker.awaitPoisoned(id);

        assertThat(lines()).anyMatch(l -> l.startsWith("ERROR Webhook failed: "))
                .anyMatch(l -> l.startsWith("ERROR Task poisoned-1 completed with status: failed"));
        assertThat(worker.meters().get("queueworker.poisoned").tag("error_type", "InvalidMessage").counter().count())
                .isEqualTo(1.0);
        assertThat(worker.meters().get("queueworker.poison.depth").gauge().value()).isEqualTo(1.0);
    }

    private List<String> lines() {
        return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
}
