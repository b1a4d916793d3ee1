package dev.queueworker.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlotPoolTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aMemberAloneTakesEveryFreeSlotWithoutWaiting() {
        SlotPool pool = new SlotPool(3);
        SlotPool.Member a = pool.join(1);

        assertThat(a.acquire()).isTrue();
        assertThat(a.acquire()).isTrue();
        assertThat(a.acquire()).isTrue();

        assertThat(a.held()).isEqualTo(3);
        assertThat(pool.inUse()).isEqualTo(3);
    }

    @Test
    void aFreedSlotGoesToTheMemberHoldingFewestHoweverManyTheOtherHasWaiting() throws Exception {
        SlotPool pool = new SlotPool(2);
        SlotPool.Member a = pool.join(1);
        SlotPool.Member b = pool.join(1);
        a.acquire();
        a.acquire();
        CompletableFuture<Boolean> aWaiting1 = waitFor(a);
        CompletableFuture<Boolean> aWaiting2 = waitFor(a);
        awaitUntil(() -> waiters(pool) == 2);
        CompletableFuture<Boolean> bWaiting = waitFor(b); // arrives after both of a's
        awaitUntil(() -> waiters(pool) == 3);

        a.release();

        assertThat(bWaiting.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(b.held()).isEqualTo(1);
        assertThat(aWaiting1).isNotDone();
        assertThat(aWaiting2).isNotDone();

        // b has nothing more waiting: the next free slot is a's again (work-conserving).
        b.release();
        awaitUntil(() -> aWaiting1.isDone() || aWaiting2.isDone());
        assertThat(a.held()).isEqualTo(2);
    }

    @Test
    void weightsDivideTheSlotsWhenMembersCompeteAndTheLongestWaitingWinsAmongEquals() throws Exception {
        SlotPool pool = new SlotPool(4);
        SlotPool.Member other = pool.join(1);
        SlotPool.Member heavy = pool.join(2);
        SlotPool.Member light = pool.join(1);
        other.acquire();
        other.acquire();
        heavy.acquire();
        light.acquire();
        CompletableFuture<Boolean> lightWaiting = waitFor(light);
        awaitUntil(() -> waiters(pool) == 1);
        CompletableFuture<Boolean> heavyWaiting = waitFor(heavy);
        awaitUntil(() -> waiters(pool) == 2);

        // heavy holds 1 per 2 of weight (0.5), light 1 per 1: heavy first, though light waited longer.
        other.release();
        assertThat(heavyWaiting.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(lightWaiting).isNotDone();
        CompletableFuture<Boolean> heavyAgain = waitFor(heavy);
        awaitUntil(() -> waiters(pool) == 2);

        // Now both hold 1 per unit of weight: light has waited longest.
        other.release();
        assertThat(lightWaiting.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(heavyAgain).isNotDone();
        assertThat(heavy.held()).isEqualTo(2);
        assertThat(light.held()).isEqualTo(2);
        heavy.leave();
        assertThat(heavyAgain.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void leavingWakesTheWaitersWithoutASlotAndRefusesLaterAcquires() throws Exception {
        SlotPool pool = new SlotPool(1);
        SlotPool.Member a = pool.join(1);
        SlotPool.Member b = pool.join(1);
        a.acquire();
        CompletableFuture<Boolean> bWaiting = waitFor(b);
        awaitUntil(() -> waiters(pool) == 1);

        b.leave();

        assertThat(bWaiting.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isFalse();
        assertThat(b.acquire()).isFalse();
        assertThat(b.held()).isZero();
        a.release();
        assertThat(pool.inUse()).isZero();
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        assertThatThrownBy(() -> new SlotPool(0)).hasMessage("total must be at least 1, was 0");
        assertThatThrownBy(() -> new SlotPool(2).join(0)).hasMessage("weight must be between 1 and 100, was 0");
        assertThatThrownBy(() -> new SlotPool(2).join(1).release()).hasMessage("no slot held");
    }

    private CompletableFuture<Boolean> waitFor(SlotPool.Member member) {
        return CompletableFuture.supplyAsync(member::acquire, threads);
    }

    private static int waiters(SlotPool pool) {
        return pool.waiting();
    }

    private static void awaitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + DEADLINE);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
