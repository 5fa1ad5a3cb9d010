package org.mtrrledger.engine.store;

import java.util.ArrayDeque;

/**
 * Recycles the heap buffers {@link Batch}es are serialized into. An engine batch holds one poll (10,000 records,
 * a few MiB): allocating and zeroing a fresh buffer per poll made it G1's largest source of humongous allocations.
 * With the engine's double buffering (one batch being filled while one is written) two buffers circulate; a few
 * more are kept for other writers. Thread-safe: batches are filled on one thread and closed on the writer thread.
 */
final class BatchBuffers {
    /** Buffers kept: the engine's two plus slack. */
    private static final int KEPT = 4;
    /** Larger buffers (a one-off huge batch) are left to the garbage collector. */
    private static final int LARGEST_KEPT = 64 << 20;

    private final ArrayDeque<byte[]> free = new ArrayDeque<>(KEPT);

    /**
     * A buffer of at least {@code bytes}; contents undefined. Any kept buffer that fits is taken; a new one gets a
     * quarter of headroom, since successive polls ask for slightly different sizes and a buffer that fits only the
     * one poll is garbage (a humongous G1 allocation) by the next.
     */
    synchronized byte[] take(int bytes) {
        for (java.util.Iterator<byte[]> it = free.iterator(); it.hasNext();) {
            byte[] b = it.next();
            if (b.length >= bytes) {
                it.remove();
                return b;
            }
        }
        return new byte[(int) Math.min(Integer.MAX_VALUE - 16, bytes + (long) bytes / 4)];
    }

    /** Returns a buffer nobody uses any more. */
    synchronized void give(byte[] b) {
        if (b.length > LARGEST_KEPT) {
            return;
        }
        if (free.size() == KEPT) {
            // Keep the larger buffers: a small one fits fewer polls.
            byte[] smallest = free.stream().min(java.util.Comparator.comparingInt(x -> x.length)).orElseThrow();
            if (smallest.length >= b.length) {
                return;
            }
            free.remove(smallest);
        }
        free.addFirst(b);
    }
}
