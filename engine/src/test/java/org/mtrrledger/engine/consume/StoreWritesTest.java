package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.Batch;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.Keys;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.StoreException;

/** The write strategies: order, visibility after drain, and failures that surface instead of vanishing. */
class StoreWritesTest {
    private static final int BATCHES = 200;
    private static final byte[] OFFSET = Keys.metaOffsetKey("t", 0);

    @TempDir
    Path dir;

    @Test
    void shouldWritePipelinedBatchesInSubmissionOrderAndHaveThemAllAfterDrain() {
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY);
                StoreWrites writes = StoreWrites.pipelined(store)) {
            for (int i = 1; i <= BATCHES; i++) {
                // Each batch overwrites the same key: only in-order application leaves the last value.
                writes.submit(store.newBatch().putLong(Column.META, OFFSET, i)
                        .putLong(Column.META, Keys.metaOffsetKey("t", 1), i));
            }
            writes.drain();
            assertEquals(BATCHES, store.getLong(Column.META, OFFSET).orElseThrow());
            assertEquals(BATCHES, store.getLong(Column.META, Keys.metaOffsetKey("t", 1)).orElseThrow());
        }
    }

    @Test
    void shouldWriteInlineBatchesBeforeSubmitReturns() {
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY);
                StoreWrites writes = StoreWrites.inline(store)) {
            writes.submit(store.newBatch().putLong(Column.META, OFFSET, 7));
            assertEquals(7L, store.getLong(Column.META, OFFSET).orElseThrow());
        }
    }

    @Test
    void shouldSurfaceAFailedBackgroundWriteOnDrainAndOnTheNextSubmit() {
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY);
                LedgerStore other = LedgerStore.open(dir.resolve("other"), OpenMode.PRIMARY);
                StoreWrites writes = StoreWrites.pipelined(store)) {
            writes.submit(other.newBatch().putLong(Column.META, OFFSET, 1)); // wrong store: write() refuses it
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, writes::drain);
            assertTrue(e.getMessage().contains("another store"), e.getMessage());
            writes.submit(store.newBatch().putLong(Column.META, OFFSET, 2));
            writes.submit(other.newBatch().putLong(Column.META, OFFSET, 3));
            Batch fourth = store.newBatch().putLong(Column.META, OFFSET, 4);
            assertThrows(IllegalArgumentException.class, () -> writes.submit(fourth), "the failure is not lost");
            assertEquals(2L, store.getLong(Column.META, OFFSET).orElseThrow(), "nothing after the failure");
            assertThrows(StoreException.class, () -> store.write(fourth), "a refused batch is closed, not leaked");
        }
    }

    @Test
    void shouldDrainOnCloseAndCloseTheBatches() {
        Batch last;
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY)) {
            StoreWrites writes = StoreWrites.pipelined(store);
            last = store.newBatch().putLong(Column.META, OFFSET, 9);
            writes.submit(last);
            writes.close();
            writes.close();
            assertEquals(9L, store.getLong(Column.META, OFFSET).orElseThrow());
            StoreException closed = assertThrows(StoreException.class, () -> store.write(last));
            assertTrue(closed.getMessage().contains("batch is closed"), closed.getMessage());
        }
    }
}
