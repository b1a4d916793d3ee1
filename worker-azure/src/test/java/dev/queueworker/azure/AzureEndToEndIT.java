package dev.queueworker.azure;

import dev.queueworker.test.Azurite;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import dev.queueworker.api.WebhookNotifier;
import dev.queueworker.core.PoisonMessage;
import dev.queueworker.core.Worker;
import dev.queueworker.core.WorkerOptions;
import dev.queueworker.test.RecordingWorkerListener;
import dev.queueworker.test.RecordingWorkerListener.Completed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The engine on Azure Storage Queue end to end, against a real Azurite, with real time. */
class AzureEndToEndIT {
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

    @Test
    void aThousandTasksPlainAndBase64AreEachHandledOnceByTwoCompetingWorkersAndMalformedOnesArePoisoned() {
        String clientId = "e2e-" + CLIENTS.incrementAndGet();
        CountingHandler handler = new CountingHandler(Duration.ZERO);
        RecordingWorkerListener events = new RecordingWorkerListener();
        try (Worker first = worker(clientId, handler, events, Duration.ofSeconds(30));
                Worker second = worker(clientId, handler, events, Duration.ofSeconds(30))) {
            QueueClient frontend = frontend(clientId + "-tasks");
            Map<String, String> malformed = new HashMap<>(); // body -> expected part of the reason
            malformed.put("not json", "body: is neither JSON nor valid Base64");
            malformed.put("{\"task_type\": 7}", "task_type: must be a string");
            malformed.put("{\"task_type\": \"nope\"}", "task_type: unknown type 'nope'");
            malformed.put("{\"task_type\": \"count\", \"payload\": [1]}", "payload: must be a JSON object");
            malformed.put(base64("not json either"), "does not decode to a JSON object");
            malformed.put("{\"task_type\": \"count\"", "body: is not valid JSON");
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String json = "{\"task_id\":\"t-" + i + "\",\"task_type\":\"count\",\"payload\":{\"n\":" + i + "}}";
                bodies.add(i % 2 == 0 ? json : base64(json));
                if (i % 150 == 0 && malformed.size() > i / 150) {
                    bodies.add(new ArrayList<>(malformed.keySet()).get(i / 150));
                }
            }
            long start = System.nanoTime();
            bodies.forEach(frontend::sendMessage);

            List<Completed> done = events.awaitCount(Completed.class, 1000, Duration.ofSeconds(120));
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(done.stream().map(c -> c.task().id()).distinct()).hasSize(1000);
            assertThat(handler.runs).hasSize(1000).allSatisfy((id, runs) -> assertThat(runs.get()).isEqualTo(1));
            awaitCondition(() -> poisonCount(clientId) == malformed.size(), Duration.ofSeconds(30));
            Map<String, String> reasons = new HashMap<>();
            for (PeekedMessageItem item : frontend(clientId + "-tasks-poison").peekMessages(32, null, null)) {
                PoisonMessage poison = PoisonMessage.parse(item.getBody().toString());
                reasons.put(poison.originalBody(), poison.reason());
            }
            malformed.forEach((body, reason) -> assertThat(reasons.get(body)).as(body).contains(reason));
            System.out.printf("1,000 tasks through two workers on Azurite in %.1f s (%.0f tasks/s)%n", seconds,
                    1000 / seconds);
        }
    }

    @Test
    void aTaskLongerThanThreeVisibilityTimeoutsRunsOnceWhileTwoWorkersPoll() {
        String clientId = "long-" + CLIENTS.incrementAndGet();
        Duration visibility = Duration.ofSeconds(3);
        CountingHandler handler = new CountingHandler(Duration.ofSeconds(60));
        RecordingWorkerListener events = new RecordingWorkerListener();
        try (Worker first = worker(clientId, handler, events, visibility);
                Worker second = worker(clientId, handler, events, visibility)) {
            frontend(clientId + "-tasks").sendMessage("{\"task_id\":\"long\",\"task_type\":\"count\"}");
            awaitCondition(() -> handler.runs.containsKey("long"), Duration.ofSeconds(30));
            long started = System.nanoTime();

            // Let more than three visibility timeouts pass while both workers keep polling.
            awaitCondition(() -> System.nanoTime() - started > visibility.multipliedBy(3).plusSeconds(2).toNanos(),
                    Duration.ofSeconds(30));
            handler.release.countDown();
            Completed completed = events.await(Completed.class, c -> c.task().id().equals("long"),
                    Duration.ofSeconds(30));

            assertThat(handler.runs.get("long").get()).isEqualTo(1);
            assertThat(completed.duration()).isGreaterThan(visibility.multipliedBy(3));
            awaitCondition(() -> depth(clientId) == 0, Duration.ofSeconds(10));
        }
    }

    @Test
    void theWorkerSurvivesAnAzuriteOutageAndEveryTaskCompletesWithABoundedNumberOfLogLines() throws Exception {
        String clientId = "outage-" + CLIENTS.incrementAndGet();
        CountingHandler handler = new CountingHandler(Duration.ZERO);
        RecordingWorkerListener events = new RecordingWorkerListener();
        Logger logger = (Logger) LoggerFactory.getLogger("dev.queueworker.core.Worker");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        Level previous = logger.getLevel();
        logger.setLevel(Level.INFO);
        appender.start();
        logger.addAppender(appender);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (Worker worker = worker(clientId, handler, events, Duration.ofSeconds(10))) {
            QueueClient frontend = frontend(clientId + "-tasks");
            for (int i = 0; i < 200; i++) {
                frontend.sendMessage("{\"task_id\":\"o-" + i + "\",\"task_type\":\"count\"}");
            }
            events.awaitCount(Completed.class, 20, Duration.ofSeconds(60));

            azurite.stop();
            int linesAtOutage = warnings(appender).size();
            timer.schedule(azurite::restart, 20, TimeUnit.SECONDS);
            events.awaitCount(Completed.class, 200, Duration.ofSeconds(150));

            assertThat(worker.isRunning()).isTrue();
            assertThat(handler.runs).hasSize(200);
            List<String> outageLines = warnings(appender).subList(linesAtOutage, warnings(appender).size());
            assertThat(outageLines).as("WARN/ERROR lines during the outage").hasSizeLessThan(10);
            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.startsWith("The queue works again after"));
        } finally {
            timer.shutdownNow();
            logger.detachAppender(appender);
            logger.setLevel(previous);
            azurite.restart(); // leave a running Azurite for the other tests, whatever happened here
        }
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    private static Worker worker(String clientId, TaskHandler handler, RecordingWorkerListener events,
            Duration visibility) {
        AzureQueueProvider queue = AzureQueueProvider.builder().connectionString(azurite.connectionString())
                .clientId(clientId).build();
        return Worker.builder().queue(queue).handler(handler).notifier(WebhookNotifier.NONE).listener(events)
                .options(WorkerOptions.builder().clientId(clientId).maxMessages(16).concurrency(16)
                        .visibilityTimeout(visibility).pollingInterval(Duration.ofSeconds(1))
                        .minPollingInterval(Duration.ofMillis(100)).retryBaseDelay(Duration.ofSeconds(1))
                        .shutdownTimeout(Duration.ofSeconds(5)).build())
                .build().start();
    }

    private static QueueClient frontend(String queueName) {
        return new QueueClientBuilder().connectionString(azurite.connectionString()).queueName(queueName)
                .buildClient();
    }

    private static long poisonCount(String clientId) {
        return frontend(clientId + "-tasks-poison").getProperties().getApproximateMessagesCount();
    }

    private static long depth(String clientId) {
        return frontend(clientId + "-tasks").getProperties().getApproximateMessagesCount();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitCondition(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** Counts runs per task id; optionally holds each run until released (at most {@code hold}). */
    private static final class CountingHandler implements TaskHandler {
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        final CountDownLatch release = new CountDownLatch(1);
        private final Duration hold;

        CountingHandler(Duration hold) {
            this.hold = hold;
        }

        @Override
        public String taskType() {
            return "count";
        }

        @Override
        public TaskResult handle(Task task, TaskContext context) throws InterruptedException {
            runs.computeIfAbsent(task.id(), id -> new AtomicInteger()).incrementAndGet();
            if (!hold.isZero() && !release.await(hold.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("never released");
            }
            return TaskResult.empty();
        }
    }
}
