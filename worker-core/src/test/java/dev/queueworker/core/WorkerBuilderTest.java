package dev.queueworker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;
import org.junit.jupiter.api.Test;

class WorkerBuilderTest {
    @Test
    void needsAQueueAndAHandler() {
        assertThatThrownBy(() -> Worker.builder().handler(handler("a")).build()).hasMessageContaining("no queue");
        assertThatThrownBy(() -> Worker.builder().queue(new InMemoryQueueProvider()).build())
                .hasMessageContaining("no task handlers");
    }

    @Test
    void refusesMalformedReservedAndClashingTaskTypes() {
        assertThatThrownBy(() -> Worker.builder().handler(handler("Bad Type")))
                .hasMessageContaining("invalid task type 'Bad Type'");
        assertThatThrownBy(() -> Worker.builder().handler(handler("queue-worker.webhook")))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> Worker.builder().handler(handler("ingest")).handler(handler("ingest")))
                .hasMessageContaining("task type 'ingest' is claimed by both");
    }

    @Test
    void discoversHandlersWithServiceLoader() {
        // src/test/resources/META-INF/services lists DiscoverableHandler.
        Worker worker = Worker.builder().queue(new InMemoryQueueProvider()).discoverHandlers().build();
        assertThat(worker.taskTypes()).containsExactly("discovered");
        worker.close();
    }

    private static TaskHandler handler(String type) {
        return new TaskHandler() {
            @Override
            public String taskType() {
                return type;
            }

            @Override
            public TaskResult handle(Task task, TaskContext context) {
                return TaskResult.empty();
            }
        };
    }

    /** Found through META-INF/services in the test resources. */
    public static final class DiscoverableHandler implements TaskHandler {
        @Override
        public String taskType() {
            return "discovered";
        }

        @Override
        public TaskResult handle(Task task, TaskContext context) {
            return TaskResult.empty();
        }
    }
}
