package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.Receipt;
import dev.queueworker.core.InMemoryQueueProvider;
import dev.queueworker.core.ManualScheduler;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryQueueProviderTest {
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    private final ManualScheduler time = new ManualScheduler();
    private final InMemoryQueueProvider queue = new InMemoryQueueProvider(time.clock());

    @Test
    void twoHundredThousandMessagesGoThroughInBatchesOf32() {
        int total = 200_000;
        for (int i = 0; i < total; i++) {
            queue.send("{\"n\":" + i + "}", Duration.ZERO);
        }
        assertThat(queue.approximateDepth()).isEqualTo(total);

        Set<String> seen = new HashSet<>(total * 2);
        int batches = 0;
        List<QueueMessage> batch;
        while (!(batch = queue.receive(32, VISIBILITY)).isEmpty()) {
            batches++;
            for (QueueMessage message : batch) {
                assertThat(seen.add(message.messageId())).isTrue();
                queue.delete(message.receipt());
            }
        }

        assertThat(seen).hasSize(total);
        assertThat(batches).isEqualTo((total + 31) / 32);
        assertThat(queue.approximateDepth()).isZero();
        assertThat(queue.receiveCalls()).isEqualTo(batches + 1L);
    }

    @Test
    void receiveCallsCountsEveryReceiveIncludingEmptyOnes() {
        assertThat(queue.receiveCalls()).isZero();
        queue.receive(1, VISIBILITY);
        queue.send("x", Duration.ZERO);
        queue.receive(32, VISIBILITY);
        queue.receive(32, VISIBILITY);
        assertThat(queue.receiveCalls()).isEqualTo(3);
    }

    @Test
    void aMessageHiddenLongerThanTheClockAdvanceStaysHidden() {
        queue.send("a", Duration.ZERO);
        QueueMessage message = queue.receive(1, Duration.ofMinutes(10)).get(0);
        assertThat(message.receipt().nextVisibleAt()).isEqualTo(time.now().plus(Duration.ofMinutes(10)));

        time.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(queue.receive(32, VISIBILITY)).isEmpty();

        time.advance(Duration.ofSeconds(1));
        assertThat(queue.receive(32, VISIBILITY)).extracting(QueueMessage::messageId)
                .containsExactly(message.messageId());
    }

    @Test
    void messagesComeInTheOrderTheyBecameVisible() {
        String first = queue.send("first", Duration.ZERO);
        String delayed = queue.send("delayed", Duration.ofSeconds(5));
        String second = queue.send("second", Duration.ZERO);
        String third = queue.send("third", Duration.ZERO);

        assertThat(queue.receive(32, VISIBILITY)).extracting(QueueMessage::messageId)
                .containsExactly(first, second, third);

        time.advance(Duration.ofSeconds(5));
        String afterDelay = queue.send("after the delay", Duration.ZERO);
        assertThat(queue.receive(32, VISIBILITY)).extracting(QueueMessage::messageId)
                .as("the delayed message became visible before the new one was sent")
                .containsExactly(delayed, afterDelay);
    }

    @Test
    void releasedMessagesQueueBehindThoseAlreadyVisible() {
        String a = queue.send("a", Duration.ZERO);
        String b = queue.send("b", Duration.ZERO);
        QueueMessage received = queue.receive(1, VISIBILITY).get(0);
        assertThat(received.messageId()).isEqualTo(a);

        queue.release(received.receipt(), Duration.ZERO);

        assertThat(queue.receive(32, VISIBILITY)).extracting(QueueMessage::messageId).containsExactly(b, a);
    }

    @Test
    void theNewestReceiptStillWorksAfterTheTimeoutLapsedIfNobodyReceivedTheMessage() {
        queue.send("slow", Duration.ZERO);
        Receipt receipt = queue.receive(1, Duration.ofSeconds(10)).get(0).receipt();
        time.advance(Duration.ofSeconds(20));

        Receipt renewed = queue.extendVisibility(receipt, Duration.ofSeconds(10));

        assertThat(renewed.nextVisibleAt()).isEqualTo(time.now().plusSeconds(10));
        assertThat(queue.receive(32, VISIBILITY)).as("hidden again by the late renewal").isEmpty();
        queue.delete(renewed);
        assertThat(queue.approximateDepth()).isZero();
    }

    @Test
    void leaseLostExceptionsSayWhatWentWrong() {
        queue.send("x", Duration.ZERO);
        Receipt old = queue.receive(1, VISIBILITY).get(0).receipt();
        Receipt current = queue.extendVisibility(old, VISIBILITY);

        assertThatThrownBy(() -> queue.delete(old)).isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("pop receipt mismatch");
        queue.delete(current);
        assertThatThrownBy(() -> queue.delete(current)).isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void releaseKeepsTheDequeueCountAndTheNextReceiveIncrementsIt() {
        queue.send("x", Duration.ZERO);
        for (int attempt = 1; attempt <= 3; attempt++) {
            QueueMessage message = queue.receive(1, VISIBILITY).get(0);
            assertThat(message.dequeueCount()).isEqualTo(attempt);
            queue.release(message.receipt(), Duration.ofSeconds(attempt));
            time.advance(Duration.ofSeconds(attempt));
        }
    }

    @Test
    void poisonMessagesArePeekedOldestFirst() {
        for (int i = 0; i < 3; i++) {
            queue.send("task " + i, Duration.ZERO);
        }
        for (QueueMessage message : queue.receive(32, VISIBILITY)) {
            queue.moveToPoison(message.receipt(), "poison of " + message.body());
        }

        assertThat(queue.peekPoison(2)).extracting(QueueMessage::body)
                .containsExactly("poison of task 0", "poison of task 1");
        assertThat(queue.poisonBodies()).containsExactly("poison of task 0", "poison of task 1", "poison of task 2");
        assertThat(queue.approximatePoisonDepth()).isEqualTo(3);
        assertThat(queue.approximateDepth()).isZero();
    }

    @Test
    void argumentsAreCheckedWithMessagesNamingTheParameter() {
        assertThatThrownBy(() -> queue.receive(1, Duration.ofDays(7).plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("visibilityTimeout");
        assertThatThrownBy(() -> queue.send("x", Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> queue.send(null, Duration.ZERO))
                .isInstanceOf(NullPointerException.class).hasMessage("'body' cannot be null.");
        assertThatThrownBy(() -> queue.delete(null))
                .isInstanceOf(NullPointerException.class).hasMessage("'receipt' cannot be null.");
        queue.send("x", Duration.ZERO);
        Receipt receipt = queue.receive(1, VISIBILITY).get(0).receipt();
        assertThatThrownBy(() -> queue.release(receipt, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    }
}
