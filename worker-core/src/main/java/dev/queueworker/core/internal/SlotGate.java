package dev.queueworker.core.internal;

/**
 * What a handler thread passes before it runs a task: nothing for a worker on its own (its handler
 * threads are its slots), a {@link SlotPool.Member} for a worker sharing slots with others.
 */
interface SlotGate {
    /** A worker on its own: its handler threads are its slots. */
    SlotGate NONE = new SlotGate() {
        @Override
        public boolean acquire() {
            return true;
        }

        @Override
        public void release() {
        }

        @Override
        public void close() {
        }
    };

    /** Waits for a slot; false when the gate was closed (the worker is stopping) or interrupted. */
    boolean acquire();

    /** Gives back the slot of a successful {@link #acquire()}. */
    void release();

    /** No more slots: waiting and later acquires return false. */
    void close();
}
