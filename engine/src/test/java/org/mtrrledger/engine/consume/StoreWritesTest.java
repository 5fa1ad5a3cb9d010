package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.Batch;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.StoreException;

/** The write strategies: order, visibility after drain, and failures that surface instead of vanishing. */
class StoreWritesTest {
    private static final int BATCHES = 200;

    /** A batch that sets the next offset of partitions {@code partitions} of topic "t" to {@code next}. */
    private static Batch offsets(LedgerStore store, long next, int... partitions) {
        Batch b = store.newBatch();
        for (int p : partitions) {
            store.meta().putNextOffset(b, "t", p, next);
        }
        return b;
    }

    private static long offset(LedgerStore store, int partition) {
        return store.meta().nextOffset("t", partition).orElseThrow();
    }

    @TempDir
    Path dir;

    @Test
    void shouldWritePipelinedBatchesInSubmissionOrderAndHaveThemAllAfterDrain() {
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY);
                StoreWrites writes = StoreWrites.pipelined(store)) {
            for (int i = 1; i <= BATCHES; i++) {
                // Each batch overwrites the same key: only in-order application leaves the last value.
                writes.submit(offsets(store, i, 0, 1));
            }
            writes.drain();
            assertEquals(BATCHES, offset(store, 0));
            assertEquals(BATCHES, offset(store, 1));
        }
    }

    @Test
    void shouldWriteInlineBatchesBeforeSubmitReturns() {
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY);
                StoreWrites writes = StoreWrites.inline(store)) {
            writes.submit(offsets(store, 7, 0));
            assertEquals(7L, offset(store, 0));
        }
    }

    @Test
    void shouldSurfaceAFailedBackgroundWriteOnDrainAndOnTheNextSubmit() {
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY);
                LedgerStore other = LedgerStore.open(dir.resolve("other"), OpenMode.PRIMARY);
                StoreWrites writes = StoreWrites.pipelined(store)) {
            writes.submit(offsets(other, 1, 0)); // wrong store: write() refuses it
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, writes::drain);
            assertTrue(e.getMessage().contains("another store"), e.getMessage());
            writes.submit(offsets(store, 2, 0));
            writes.submit(offsets(other, 3, 0));
            Batch fourth = offsets(store, 4, 0);
            assertThrows(IllegalArgumentException.class, () -> writes.submit(fourth), "the failure is not lost");
            assertEquals(2L, offset(store, 0), "nothing after the failure");
            assertThrows(StoreException.class, () -> store.write(fourth), "a refused batch is closed, not leaked");
        }
    }

    @Test
    void shouldDrainOnCloseAndCloseTheBatches() {
        Batch last;
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY)) {
            StoreWrites writes = StoreWrites.pipelined(store);
            last = offsets(store, 9, 0);
            writes.submit(last);
            writes.close();
            writes.close();
            assertEquals(9L, offset(store, 0));
            StoreException closed = assertThrows(StoreException.class, () -> store.write(last));
            assertTrue(closed.getMessage().contains("batch is closed"), closed.getMessage());
        }
    }
}
