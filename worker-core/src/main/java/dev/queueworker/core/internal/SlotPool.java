package dev.queueworker.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Handler slots shared by several engines (the tenants of one daemon), handed out fairly and
 * without waste.
 *
 * <p><b>Rule.</b> A free slot goes to the waiting member that holds the fewest slots per unit of
 * weight; among equals, to the one that has waited longest since it was last served. So a member
 * with one task waiting gets the next free slot however many another member has queued (no
 * starvation), and a member alone gets every free slot (work-conserving). A member never holds
 * more slots than it has handler threads; the pool does not need to know that bound.
 *
 * <p>One lock and one condition: the pool serves a handful of members with tens of threads, and
 * each grant is rare next to the task it starts.
 */
public final class SlotPool {
    private final int total;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Member> members = new ArrayList<>();
    private int free;
    private long ticket;

    public SlotPool(int total) {
        if (total < 1) {
            throw new IllegalArgumentException("total must be at least 1, was " + total);
        }
        this.total = total;
        this.free = total;
    }

    public int total() {
        return total;
    }

    /** Slots held now, by every member. */
    public int inUse() {
        lock.lock();
        try {
            return total - free;
        } finally {
            lock.unlock();
        }
    }

    /** Threads waiting for a slot now, of every member. */
    public int waiting() {
        lock.lock();
        try {
            int waiting = 0;
            for (Member m : members) {
                waiting += m.waiting;
            }
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** A new member with {@code weight} (1 to 100), its share when members compete. */
    public Member join(int weight) {
        if (weight < 1 || weight > 100) {
            throw new IllegalArgumentException("weight must be between 1 and 100, was " + weight);
        }
        lock.lock();
        try {
            Member member = new Member(weight);
            members.add(member);
            return member;
        } finally {
            lock.unlock();
        }
    }

    /** The waiting member whose turn it is, or null when none waits. Holds lock. */
    private Member next() {
        Member best = null;
        for (Member m : members) {
            if (m.waiting == 0) {
                continue;
            }
            if (best == null) {
                best = m;
                continue;
            }
            // held/weight compared without division: fewer per unit of weight first, then longest waiting.
            long mine = (long) m.held * best.weight;
            long theirs = (long) best.held * m.weight;
            if (mine < theirs || mine == theirs && m.since < best.since) {
                best = m;
            }
        }
        return best;
    }

    /** One engine's place in the pool. */
    public final class Member implements SlotGate {
        private final int weight;
        private int held;
        private int waiting;
        private long since;
        private boolean left;

        private Member(int weight) {
            this.weight = weight;
        }

        /**
         * Waits for a slot.
         *
         * @return true with a slot held (give it back with {@link #release()}); false when this member
         *     left the pool ({@link #leave()}) or the thread was interrupted, with no slot held
         */
        @Override
        public boolean acquire() {
            lock.lock();
            try {
                if (left) {
                    return false;
                }
                if (waiting++ == 0) {
                    since = ++ticket;
                }
                try {
                    while (!left && (free == 0 || next() != this)) {
                        changed.await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } finally {
                    waiting--;
                    changed.signalAll(); // the turn may pass to another member now
                }
                if (left) {
                    return false;
                }
                free--;
                held++;
                since = ++ticket; // served: behind the others among equals
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Gives back a slot taken by {@link #acquire()}. */
        @Override
        public void release() {
            lock.lock();
            try {
                if (held == 0) {
                    throw new IllegalStateException("no slot held");
                }
                held--;
                free++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Slots this member holds now. */
        public int held() {
            lock.lock();
            try {
                return held;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Leaves the pool: waiting and later {@link #acquire()} calls return false; slots still held
         * are given back by their {@link #release()} as usual.
         */
        public void leave() {
            close();
        }

        @Override
        public void close() {
            lock.lock();
            try {
                left = true;
                members.remove(this);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
