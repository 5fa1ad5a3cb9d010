package org.mtrrledger.engine.consume;

import org.mtrrledger.engine.store.Batch;
import org.mtrrledger.engine.store.LedgerStore;

/**
 * How {@link LedgerWriter} hands a finished {@link Batch} (state, outputs and offsets of one poll) to the store.
 * Batches are always written one at a time and in submission order, so the store never holds an offset without the
 * state folded before it, whichever strategy runs.
 */
public sealed interface StoreWrites extends AutoCloseable permits StoreWrites.Inline, StoreWrites.Pipelined {

    /** Writes {@code batch} (taking ownership: it is closed once written), or queues it behind the one in flight. */
    void submit(Batch batch);

    /** Returns once every submitted batch is in the store; rethrows the failure of a write that failed. */
    void drain();

    /** Drains, then releases the strategy's resources. Idempotent. */
    @Override
    void close();

    /** Writes in the caller's thread: when {@link #submit} returns, the batch is in the store. */
    static StoreWrites inline(LedgerStore store) {
        return new Inline(store);
    }

    /**
     * Writes on one background thread while the caller folds the next poll (double buffering): RocksDB's memtable
     * inserts, about a fifth of the engine thread once batches are serialized on the heap, overlap with the fold.
     * At most one batch is in flight; {@link #submit} waits for it first, so memory stays at two batches.
     */
    static StoreWrites pipelined(LedgerStore store) {
        return new Pipelined(store);
    }

    /** See {@link StoreWrites#inline}. */
    final class Inline implements StoreWrites {
        private final LedgerStore store;

        private Inline(LedgerStore store) {
            this.store = store;
        }

        @Override
        public void submit(Batch batch) {
            try (batch) {
                store.write(batch);
            }
        }

        @Override
        public void drain() {
        }

        @Override
        public void close() {
        }
    }

    /** See {@link StoreWrites#pipelined}. */
    final class Pipelined implements StoreWrites {
        private final LedgerStore store;
        private final InFlight writer = new InFlight("mtrr-store-writer");

        private Pipelined(LedgerStore store) {
            this.store = store;
        }

        @Override
        public void submit(Batch batch) {
            try {
                writer.await();
            } catch (RuntimeException | Error e) {
                batch.close();
                throw e;
            }
            writer.submit(() -> {
                try (batch) {
                    store.write(batch);
                }
            });
        }

        @Override
        public void drain() {
            writer.await();
        }

        @Override
        public void close() {
            writer.close();
        }
    }
}
