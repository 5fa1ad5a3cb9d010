package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * {@link Batch} serializes RocksDB's WriteBatch format by hand; RocksJava's own {@code WriteBatch} is the oracle:
 * the same operations must give byte-identical representations, and the store must read back what was written.
 */
class BatchEncodingTest {
    private static final int RANDOM_BATCHES = 300;
    /** A declared output's family, beside the engine's. */
    private static final Column ZAPS = TestOutputs.ZAPS.column();

    @TempDir
    Path dir;
    private LedgerStore store;

    @BeforeEach
    void open() {
        store = LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY, TestOutputs.BOTH);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void shouldSerializeRandomBatchesExactlyAsRocksJavaDoes() throws RocksDBException {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int i = 0; i < RANDOM_BATCHES; i++) {
            try (Batch ours = store.newBatch(); WriteBatch theirs = new WriteBatch()) {
                int ops = random.nextInt(0, 40);
                for (int k = 0; k < ops; k++) {
                    Column c = store.columns().get(random.nextInt(store.columns().size()));
                    byte[] key = bytes(random, lengthOf(random));
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            byte[] value = bytes(random, lengthOf(random));
                            ours.put(c, key, value);
                            theirs.put(store.handle(c), key, value);
                        }
                        case 3 -> { // the same put, its value written in place
                            byte[] value = bytes(random, lengthOf(random));
                            ours.put(c, key, value.length, (out, at) -> System.arraycopy(value, 0, out, at,
                                    value.length));
                            theirs.put(store.handle(c), key, value);
                        }
                        case 1 -> {
                            ours.delete(c, key);
                            theirs.delete(store.handle(c), key);
                        }
                        default -> {
                            byte[] to = bytes(random, lengthOf(random));
                            if (Arrays.compareUnsigned(key, to) < 0) {
                                ours.deleteRange(c, key, to);
                                theirs.deleteRange(store.handle(c), key, to);
                            }
                        }
                    }
                }
                assertArrayEquals(theirs.data(), ours.serialized("test"), "batch " + i);
                assertEquals(theirs.count(), ours.count(), "batch " + i);
            }
        }
    }

    @Test
    void shouldSerializeOnlyItsOwnRecordsIntoARecycledBuffer() throws RocksDBException {
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 0x5A);
        try (Batch first = store.newBatch()) {
            first.put(Column.EVENTS, new byte[] {1}, big).put(ZAPS, new byte[] {2}, big);
            store.write(first);
        } // its buffer, full of 0x5A, goes back to the store
        try (Batch second = store.newBatch(); WriteBatch theirs = new WriteBatch()) {
            second.put(Column.META, new byte[] {3}, new byte[] {4});
            theirs.put(store.handle(Column.META), new byte[] {3}, new byte[] {4});
            assertArrayEquals(theirs.data(), second.serialized("test"));
        }
    }

    @Test
    void shouldEncodeLengthsAtEveryVarintWidthBoundary() throws RocksDBException {
        for (int length : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152}) {
            byte[] key = new byte[] {1, (byte) (length & 0xFF)};
            byte[] value = new byte[length];
            Arrays.fill(value, (byte) 7);
            try (Batch ours = store.newBatch(); WriteBatch theirs = new WriteBatch()) {
                ours.put(Column.EVENTS, key, value);
                theirs.put(store.handle(Column.EVENTS), key, value);
                assertArrayEquals(theirs.data(), ours.serialized("test"), "value of " + length + " bytes");
                store.write(ours);
            }
            assertArrayEquals(value, store.get(Column.EVENTS, key), "read back " + length + " bytes");
        }
    }

    @Test
    void shouldApplyPutsDeletesAndRangeDeletesOfOneBatchInOrder() {
        byte[] a = {1};
        byte[] b = {2};
        byte[] c = {3};
        try (Batch batch = store.newBatch()) {
            store.write(batch.put(ZAPS, a, a).put(ZAPS, b, b).put(ZAPS, c, c));
        }
        try (Batch batch = store.newBatch()) {
            store.write(batch.deleteRange(ZAPS, a, c).put(ZAPS, b, c).delete(ZAPS, c));
        }
        assertEquals(null, store.get(ZAPS, a));
        assertArrayEquals(c, store.get(ZAPS, b), "a put after the range delete survives it");
        assertEquals(null, store.get(ZAPS, c));
    }

    private static int lengthOf(SplittableRandom random) {
        // Mostly small, sometimes past the one- and two-byte varint limits.
        return switch (random.nextInt(10)) {
            case 0 -> random.nextInt(128, 300);
            case 1 -> random.nextInt(16_000, 17_000);
            default -> random.nextInt(0, 40);
        };
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }
}
