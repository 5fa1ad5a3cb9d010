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

    /** A buffer of at least {@code bytes}; contents undefined. */
    synchronized byte[] take(int bytes) {
        byte[] b = free.pollFirst();
        return b != null && b.length >= bytes ? b : new byte[bytes];
    }

    /** Returns a buffer nobody uses any more. */
    synchronized void give(byte[] b) {
        if (b.length <= LARGEST_KEPT && free.size() < KEPT) {
            free.addFirst(b);
        }
    }
}
