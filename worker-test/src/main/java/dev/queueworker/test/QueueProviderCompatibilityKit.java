package dev.queueworker.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.queueworker.api.LeaseLostException;
import dev.queueworker.api.QueueMessage;
import dev.queueworker.api.QueueProvider;
import dev.queueworker.api.Receipt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link QueueProvider} keeps, as JUnit 5 tests: extend this class, say how to
 * create a provider over fresh queues and how to let time pass, and every test here runs against
 * your provider.
 *
 * <pre>{@code
 * class InMemoryQueueProviderCompatibilityTest extends QueueProviderCompatibilityKit {
 *     private final ManualScheduler time = new ManualScheduler();
 *
 *     @Override
 *     protected QueueProvider createProvider() {
 *         return new InMemoryQueueProvider(time.clock());
 *     }
 *
 *     @Override
 *     protected void elapse(Duration duration) {
 *         time.advance(duration);
 *     }
 * }
 * }</pre>
 *
 * <p>Adapters for real services run it in real time (an Azure adapter against Azurite waits in
 * {@code elapse}), so timeouts are a few seconds and the whole kit takes about 20 seconds of
 * waiting. Every wait goes through {@link #elapse}; a real service's coarse clock is covered by
 * {@link #clockTolerance()}. Message order is not asserted, as Azure does not guarantee it. The
 * {@link dev.queueworker.api.PoisonQueue} tests of {@link PoisonQueueContract} run too.
 */
public abstract class QueueProviderCompatibilityKit implements PoisonQueueContract {

    /** Long enough that nothing lapses while a test runs without calling {@link #elapse}. */
    protected static final Duration LONG = Duration.ofSeconds(30);

    /** A timeout a test waits out; hidden checks right after setting it have this much slack. */
    protected static final Duration SHORT = Duration.ofSeconds(2);

    /** The provider under test, fresh for each test. */
    protected QueueProvider provider;

    /**
     * Creates a provider over fresh, empty task and poison queues. Called before each test; the kit
     * closes it after the test.
     */
    protected abstract QueueProvider createProvider();

    /**
     * Lets at least {@code duration} pass on the provider's clock: advance a manual clock, or wait
     * for a real service.
     */
    protected abstract void elapse(Duration duration);

    @Override
    public final QueueProvider providerUnderTest() {
        return provider;
    }

    /**
     * How much later than exactly on time a timeout may lapse on this provider; added to every wait
     * for a timeout. One second covers Azure's whole-second visibility times.
     */
    protected Duration clockTolerance() {
        return Duration.ofSeconds(1);
    }

    @BeforeEach
    public final void createProviderUnderTest() {
        provider = createProvider();
        assertThat(provider).as("createProvider()").isNotNull();
    }

    @AfterEach
    public final void closeProviderUnderTest() {
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    public void sendThenReceiveKeepsBodiesExactly() {
        String unicode = "Grüße, ça va? 你好 — \"quoted\" <tag> & 'apostrophe' 🚀";
        String json = "{\"task_type\":\"ingest\",\"payload\":{\"filename\":\"report é.pdf\",\"document_set\":\"p\"}}";
        String base64 = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        String unicodeId = provider.send(unicode, Duration.ZERO);
        String jsonId = provider.send(json, Duration.ZERO);
        String base64Id = provider.send(base64, Duration.ZERO);
        assertThat(List.of(unicodeId, jsonId, base64Id)).doesNotContainNull().doesNotHaveDuplicates();

        List<QueueMessage> received = receiveUpTo(3, LONG);

        assertThat(received).extracting(QueueMessage::body).containsExactlyInAnyOrder(unicode, json, base64);
        for (QueueMessage message : received) {
            assertThat(message.dequeueCount()).as("dequeue count of a first delivery").isEqualTo(1);
            assertThat(message.receipt()).isNotNull();
            assertThat(message.receipt().messageId()).isEqualTo(message.messageId());
            String expectedId = message.body().equals(unicode) ? unicodeId
                    : message.body().equals(json) ? jsonId : base64Id;
            assertThat(message.messageId()).as("id returned by send").isEqualTo(expectedId);
        }
    }

    @Test
    public void receiveReturnsNoMoreThanMaxMessages() {
        sendAll(5);

        assertThat(provider.receive(2, LONG)).hasSize(2);
        assertThat(receiveUpTo(5, LONG)).as("the rest").hasSize(3);
    }

    @Test
    public void receiveOnAnEmptyQueueReturnsAnEmptyList() {
        assertThat(provider.receive(32, LONG)).isNotNull().isEmpty();
        assertThat(provider.approximateDepth()).isZero();
    }

    @Test
    public void aReceivedMessageIsInvisibleToASecondReceive() {
        provider.send("only", Duration.ZERO);
        assertThat(provider.receive(1, LONG)).hasSize(1);

        assertThat(provider.receive(32, LONG)).isEmpty();
        assertThat(provider.approximateDepth()).as("hidden messages still count").isEqualTo(1);
    }

    @Test
    public void aMessageIsVisibleAgainAfterItsVisibilityTimeoutWithDequeueCountTwo() {
        String id = provider.send("again", Duration.ZERO);
        assertThat(provider.receive(1, SHORT)).hasSize(1);
        assertThat(provider.receive(1, LONG)).as("right after receiving").isEmpty();

        elapse(SHORT.plus(clockTolerance()));

        List<QueueMessage> again = provider.receive(1, LONG);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).messageId()).isEqualTo(id);
        assertThat(again.get(0).body()).isEqualTo("again");
        assertThat(again.get(0).dequeueCount()).isEqualTo(2);
    }

    @Test
    public void extendVisibilityReturnsANewReceiptAndTheOldOneIsRejected() {
        provider.send("lease", Duration.ZERO);
        Receipt first = provider.receive(1, LONG).get(0).receipt();

        Receipt second = provider.extendVisibility(first, LONG.multipliedBy(2));

        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(second.popReceipt()).isNotEqualTo(first.popReceipt());
        assertThat(second.nextVisibleAt()).isAfter(first.nextVisibleAt());
        assertThatThrownBy(() -> provider.extendVisibility(first, LONG)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> provider.delete(first)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> provider.release(first, Duration.ZERO)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> provider.moveToPoison(first, "{}")).isInstanceOf(LeaseLostException.class);

        provider.delete(second);
        assertThat(provider.approximateDepth()).as("deleted with the new receipt").isZero();
    }

    @Test
    public void extendVisibilityKeepsTheMessageHiddenPastTheOriginalTimeout() {
        provider.send("long task", Duration.ZERO);
        Receipt receipt = provider.receive(1, SHORT).get(0).receipt();
        Receipt extended = provider.extendVisibility(receipt, SHORT.multipliedBy(2));

        elapse(SHORT.plus(clockTolerance()));
        assertThat(provider.receive(1, LONG)).as("after the original timeout").isEmpty();

        elapse(SHORT);
        List<QueueMessage> again = provider.receive(1, LONG);
        assertThat(again).as("after the extended timeout").hasSize(1);
        assertThat(again.get(0).dequeueCount()).isEqualTo(2);
        assertThatThrownBy(() -> provider.delete(extended)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    public void releaseWithZeroDelayMakesTheMessageVisibleAtOnce() {
        String id = provider.send("retry me", Duration.ZERO);
        QueueMessage first = provider.receive(1, LONG).get(0);

        provider.release(first.receipt(), Duration.ZERO);

        List<QueueMessage> again = provider.receive(1, LONG);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).messageId()).isEqualTo(id);
        assertThat(again.get(0).body()).isEqualTo("retry me");
        assertThat(again.get(0).dequeueCount()).isEqualTo(first.dequeueCount() + 1);
    }

    @Test
    public void releaseWithADelayKeepsTheMessageHiddenUntilTheDelayPasses() {
        String id = provider.send("back off", Duration.ZERO);
        Receipt receipt = provider.receive(1, LONG).get(0).receipt();

        provider.release(receipt, SHORT);
        assertThat(provider.receive(1, LONG)).as("during the delay").isEmpty();

        elapse(SHORT.plus(clockTolerance()));
        List<QueueMessage> again = provider.receive(1, LONG);
        assertThat(again).as("after the delay").hasSize(1);
        assertThat(again.get(0).messageId()).isEqualTo(id);
        assertThat(again.get(0).dequeueCount()).isEqualTo(2);
    }

    @Test
    public void deleteRemovesTheMessage() {
        provider.send("done", Duration.ZERO);
        provider.send("other", Duration.ZERO);
        QueueMessage message = receiveUpTo(2, Duration.ofSeconds(1)).stream()
                .filter(m -> m.body().equals("done")).findFirst().orElseThrow();

        provider.delete(message.receipt());

        assertThat(provider.approximateDepth()).isEqualTo(1);
        elapse(Duration.ofSeconds(1).plus(clockTolerance()));
        assertThat(receiveUpTo(2, LONG)).as("after the visibility timeout lapsed")
                .extracting(QueueMessage::body).containsExactly("other");
    }

    @Test
    public void deleteWithAReceiptMadeStaleByAnotherReceiveIsRejected() {
        provider.send("contended", Duration.ZERO);
        Receipt mine = provider.receive(1, Duration.ofSeconds(1)).get(0).receipt();
        elapse(Duration.ofSeconds(1).plus(clockTolerance()));
        QueueMessage theirs = provider.receive(1, LONG).get(0);
        assertThat(theirs.dequeueCount()).isEqualTo(2);

        assertThatThrownBy(() -> provider.delete(mine)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> provider.extendVisibility(mine, LONG)).isInstanceOf(LeaseLostException.class);
        assertThat(provider.approximateDepth()).as("still there for the new holder").isEqualTo(1);
        provider.delete(theirs.receipt());
        assertThat(provider.approximateDepth()).isZero();
    }

    @Test
    public void deletingTwiceIsRejected() {
        provider.send("once", Duration.ZERO);
        Receipt receipt = provider.receive(1, LONG).get(0).receipt();
        provider.delete(receipt);

        assertThatThrownBy(() -> provider.delete(receipt)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> provider.extendVisibility(receipt, LONG)).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> provider.release(receipt, Duration.ZERO)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    public void sendWithAnInitialDelayIsHiddenUntilThen() {
        String id = provider.send("later", SHORT);
        assertThat(provider.receive(1, LONG)).as("during the initial delay").isEmpty();
        assertThat(provider.approximateDepth()).isEqualTo(1);

        elapse(SHORT.plus(clockTolerance()));
        List<QueueMessage> received = provider.receive(1, LONG);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).messageId()).isEqualTo(id);
        assertThat(received.get(0).dequeueCount()).isEqualTo(1);
    }

    @Test
    public void moveToPoisonPutsThePoisonBodyOnThePoisonQueueAndRemovesTheMessage() {
        provider.send("not json", Duration.ZERO);
        Receipt receipt = provider.receive(1, LONG).get(0).receipt();
        String poisonBody = "{\"original\":\"not json\",\"reason\":\"body is not JSON — « »\",\"attempts\":1}";

        provider.moveToPoison(receipt, poisonBody);

        assertThat(provider.approximateDepth()).isZero();
        assertThat(provider.approximatePoisonDepth()).isEqualTo(1);
        List<QueueMessage> poison = provider.peekPoison(32);
        assertThat(poison).hasSize(1);
        assertThat(poison.get(0).body()).isEqualTo(poisonBody);
        assertThat(poison.get(0).receipt()).as("peeked messages carry no receipt").isNull();
        assertThat(provider.peekPoison(32)).as("peeking again: nothing was removed").hasSize(1);
        assertThat(provider.receive(32, LONG)).isEmpty();
        assertThatThrownBy(() -> provider.delete(receipt)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    public void badArgumentsAreRejected() {
        assertThatThrownBy(() -> provider.receive(0, LONG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxMessages");
        assertThatThrownBy(() -> provider.receive(33, LONG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxMessages");
        assertThatThrownBy(() -> provider.receive(1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.send("x", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider.peekPoison(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(provider.approximateDepth()).as("nothing was sent").isZero();
    }

    @Test
    public void concurrentReceiversNeverGetTheSameMessageTwice() throws Exception {
        int messages = 200;
        Set<String> sent = new HashSet<>(sendAll(messages));
        int threads = 4;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<String> receivedIds = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    int batches = 0;
                    int emptyInARow = 0;
                    while (emptyInARow < 3) {
                        List<QueueMessage> batch = provider.receive(32, LONG);
                        if (batch.isEmpty()) {
                            emptyInARow++;
                        } else {
                            emptyInARow = 0;
                            batches++;
                            batch.forEach(m -> receivedIds.add(m.messageId()));
                        }
                    }
                    return batches;
                }));
            }
            start.countDown();
            int batches = 0;
            for (Future<Integer> future : futures) {
                batches += future.get(60, TimeUnit.SECONDS);
            }
            assertThat(batches).isPositive();
        } finally {
            executor.shutdownNow();
        }

        List<String> ids = new ArrayList<>(receivedIds);
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).isEqualTo(sent);
    }

    // --- helpers for subclasses' own tests ---

    /** Sends {@code count} small distinct messages, visible at once; returns their ids. */
    protected List<String> sendAll(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(provider.send("{\"n\":" + i + "}", Duration.ZERO));
        }
        return ids;
    }

    /**
     * Receives until {@code count} messages came or a receive came back empty; a service may hand out
     * fewer than asked for even when more are visible.
     */
    protected List<QueueMessage> receiveUpTo(int count, Duration visibilityTimeout) {
        List<QueueMessage> received = new ArrayList<>();
        while (received.size() < count) {
            List<QueueMessage> batch = provider.receive(Math.min(32, count - received.size()), visibilityTimeout);
            if (batch.isEmpty()) {
                break;
            }
            received.addAll(batch);
        }
        assertThat(received.stream().map(QueueMessage::messageId).collect(Collectors.toSet()))
                .as("distinct messages").hasSize(received.size());
        return received;
    }
}
