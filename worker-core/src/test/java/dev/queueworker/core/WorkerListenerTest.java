package dev.queueworker.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.queueworker.api.Task;
import dev.queueworker.api.TaskResult;
import dev.queueworker.core.fixtures.RecordingListener;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkerListenerTest {

    @Test
    void allTellsEveryListenerEvenWhenOneThrows() {
        RecordingListener first = new RecordingListener();
        RecordingListener last = new RecordingListener();
        WorkerListener throwing = new WorkerListener() {
            @Override
            public void taskCompleted(Task task, TaskResult result, Duration duration) {
                throw new IllegalStateException("listener bug");
            }
        };
        Task task = new Task("t-1", "echo", JsonNodeFactory.instance.objectNode(), null, 1, Instant.EPOCH, "m-1");

        WorkerListener.all(first, throwing, last).taskCompleted(task, TaskResult.empty(), Duration.ofMillis(5));

        assertThat(first.events()).singleElement().isInstanceOf(RecordingListener.Completed.class);
        assertThat(last.events()).singleElement().isInstanceOf(RecordingListener.Completed.class);
    }
}
