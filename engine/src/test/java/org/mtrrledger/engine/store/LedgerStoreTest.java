package org.mtrrledger.engine.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** LedgerStore against a real RocksDB in a temporary directory. */
class LedgerStoreTest {

    private static final byte[] OFFSET_KEY = Keys.metaOffsetKey("mtrr-events", 0);

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("store");
    }

    // ------------------------------------------------------------------------ batches & durability

    @Test
    void shouldMakeOffsetAndStateVisibleTogetherOnlyWhenTheBatchIsWritten() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY);
                Batch batch = store.newBatch()) {
            batch.putLong(Column.META, OFFSET_KEY, 42).put(Column.VM_STATE, Keys.vmKey("vm-1"), bytes("state@41"));
            assertEquals(2, batch.count());
            assertEquals(Optional.empty(), store.getLong(Column.META, OFFSET_KEY), "nothing visible before write");
            assertNull(store.get(Column.VM_STATE, Keys.vmKey("vm-1")));

            store.write(batch);

            assertEquals(Optional.of(42L), store.getLong(Column.META, OFFSET_KEY));
            assertArrayEquals(bytes("state@41"), store.get(Column.VM_STATE, Keys.vmKey("vm-1")));
        }
    }

    @Test
    void shouldDiscardABatchClosedWithoutWriting() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            try (Batch batch = store.newBatch()) {
                batch.putLong(Column.META, OFFSET_KEY, 7);
            }
            assertEquals(Optional.empty(), store.getLong(Column.META, OFFSET_KEY));
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void shouldPersistWrittenBatchesAcrossReopen(Durability durability) {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY, durability);
                Batch batch = store.newBatch()) {
            for (int o = 0; o < 100; o++) {
                batch.put(Column.SKIPPED, Keys.partitionOffsetKey(0, o), bytes("event " + o));
            }
            batch.putLong(Column.META, OFFSET_KEY, 100).put(Column.VM_STATE, Keys.vmKey("vm-1"), bytes("s"));
            store.write(batch);
        }
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY, durability)) {
            assertEquals(Optional.of(100L), store.getLong(Column.META, OFFSET_KEY));
            assertArrayEquals(bytes("s"), store.get(Column.VM_STATE, Keys.vmKey("vm-1")));
            assertEquals(100, keys(store.scanPrefix(Column.SKIPPED, Keys.partitionPrefix(0))).size());
        }
    }

    @Test
    void shouldKeepNoWalDataAfterACleanCloseBecauseCloseFlushes() throws IOException {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY, Durability.NO_WAL);
                Batch batch = store.newBatch()) {
            batch.putLong(Column.META, OFFSET_KEY, 5).put(Column.VM_STATE, Keys.vmKey("vm-1"), bytes("after 4"));
            store.write(batch);
        }
        // The data must be in SST files: nothing of it can be in a WAL.
        try (var files = Files.list(dir())) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".sst")), "close should have flushed");
        }
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.READ_ONLY)) {
            assertEquals(Optional.of(5L), store.getLong(Column.META, OFFSET_KEY));
            assertArrayEquals(bytes("after 4"), store.get(Column.VM_STATE, Keys.vmKey("vm-1")));
            assertTrue(store.approximateSizeOnDisk() > 0);
        }
    }

    @Test
    void shouldApplyDeleteRangeOnlyWithinTheRange() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            writeCheckpoints(store, "vm-1", 10, 20, 30, 40);
            writeCheckpoints(store, "vm-10", 10, 20);
            try (Batch batch = store.newBatch()) {
                // Prune vm-1's checkpoints before offset 30.
                batch.deleteRange(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"), Keys.vmOffsetKey("vm-1", 30));
                batch.delete(Column.CHECKPOINTS, Keys.vmOffsetKey("vm-1", 40));
                store.write(batch);
            }
            assertEquals(List.of(30L), checkpointOffsets(store, "vm-1"));
            assertEquals(List.of(10L, 20L), checkpointOffsets(store, "vm-10"));
        }
    }

    @Test
    void shouldRejectABatchFromAnotherStoreOrAfterClose() {
        try (LedgerStore a = LedgerStore.open(tmp.resolve("a"), OpenMode.PRIMARY);
                LedgerStore b = LedgerStore.open(tmp.resolve("b"), OpenMode.PRIMARY)) {
            Batch batch = a.newBatch();
            assertThrows(IllegalArgumentException.class, () -> b.write(batch));
            batch.close();
            StoreException e = assertThrows(StoreException.class, () -> a.write(batch));
            assertTrue(e.getMessage().contains("batch is closed"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------ floor & scans

    @Test
    void shouldFindTheNearestCheckpointAtOrBeforeAnOffsetWithinOneVm() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            writeCheckpoints(store, "vm-1", 100, 200, 300);
            writeCheckpoints(store, "vm-10", 150, 250);
            writeCheckpoints(store, "vm-2", 5);

            assertEquals(200L, floorOffset(store, "vm-1", 250));
            assertEquals(200L, floorOffset(store, "vm-1", 200), "at the offset itself");
            assertEquals(300L, floorOffset(store, "vm-1", Long.MAX_VALUE));
            assertEquals(150L, floorOffset(store, "vm-10", 199));
            assertEquals(250L, floorOffset(store, "vm-10", 1_000));
            // Before the VM's first checkpoint there is none, even though smaller keys of other VMs exist:
            // "vm-1\0..." keys sort right before "vm-10\0..." and "vm-2\0" sorts right after "vm-1\0...".
            assertNull(store.floor(Column.CHECKPOINTS, Keys.vmPrefix("vm-10"), Keys.vmOffsetKey("vm-10", 149)));
            assertNull(store.floor(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"), Keys.vmOffsetKey("vm-1", 99)));
            assertNull(store.floor(Column.CHECKPOINTS, Keys.vmPrefix("vm-2"), Keys.vmOffsetKey("vm-2", 4)));
            assertNull(store.floor(Column.CHECKPOINTS, Keys.vmPrefix("vm-3"), Keys.vmOffsetKey("vm-3", 1_000)));

            Entry e = store.floor(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"), Keys.vmOffsetKey("vm-1", 299));
            assertArrayEquals(bytes("vm-1 state@200"), e.value());
        }
    }

    @Test
    void shouldRejectAFloorKeyOutsideItsPrefix() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            assertThrows(IllegalArgumentException.class,
                    () -> store.floor(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"), Keys.vmOffsetKey("vm-10", 1)));
        }
    }

    @Test
    void shouldScanFromInclusiveToExclusiveInBothDirections() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY);
                Batch batch = store.newBatch()) {
            for (int p = 0; p < 3; p++) {
                for (long o = 0; o < 10; o++) {
                    batch.put(Column.SKIPPED, Keys.partitionOffsetKey(p, o), Values.ofLong(o));
                }
            }
            store.write(batch);

            byte[] from = Keys.partitionOffsetKey(1, 3);
            byte[] to = Keys.partitionOffsetKey(1, 7);
            assertEquals(List.of(3L, 4L, 5L, 6L), offsets(store.scan(Column.SKIPPED, from, to)));
            assertEquals(List.of(6L, 5L, 4L, 3L), offsets(store.scanReverse(Column.SKIPPED, from, to)));
            assertEquals(List.of(), offsets(store.scan(Column.SKIPPED, from, from)), "empty range");
            assertEquals(10, keys(store.scanPrefix(Column.SKIPPED, Keys.partitionPrefix(2))).size());
            assertEquals(30, keys(store.scan(Column.SKIPPED, new byte[0], null)).size(), "unbounded");
            List<Long> lastPartitionDesc = offsets(store.scanReverse(Column.SKIPPED, Keys.partitionPrefix(2), Keys.prefixEnd(Keys.partitionPrefix(2))));
            assertEquals(9L, lastPartitionDesc.get(0));
            assertEquals(10, lastPartitionDesc.size());
            assertThrows(IllegalArgumentException.class, () -> store.scan(Column.SKIPPED, to, from));
        }
    }

    @Test
    void shouldPeekSkipAndSeekWithinTheScansBoundsCountingEveryNativeRead() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY);
                Batch batch = store.newBatch()) {
            for (long o = 0; o < 10; o++) {
                batch.put(Column.SKIPPED, Keys.partitionOffsetKey(1, o), Values.ofLong(o));
            }
            store.write(batch);
            StoreReads.Snapshot before = store.reads().snapshot();
            try (CloseableIterator<Entry> it = store.scan(Column.SKIPPED, Keys.partitionOffsetKey(1, 2),
                    Keys.partitionOffsetKey(1, 9))) {
                assertArrayEquals(Keys.partitionOffsetKey(1, 2), it.peekKey(), "peek does not move");
                assertArrayEquals(Keys.partitionOffsetKey(1, 2), it.peekKey());
                assertArrayEquals(Values.ofLong(2), it.peekValue());
                it.skip();
                assertArrayEquals(Keys.partitionOffsetKey(1, 3), it.peekKey());
                it.seek(Keys.partitionOffsetKey(1, 6));
                assertArrayEquals(Keys.partitionOffsetKey(1, 6), it.peekKey(), "forward seek");
                it.seek(Keys.partitionOffsetKey(1, 4));
                assertArrayEquals(Keys.partitionOffsetKey(1, 4), it.peekKey(), "a seek back moves back");
                it.seek(Keys.partitionOffsetKey(1, 0));
                assertArrayEquals(Keys.partitionOffsetKey(1, 2), it.peekKey(), "lands on the lower bound");
                it.seek(Keys.partitionOffsetKey(1, 9));
                assertNull(it.peekKey(), "the upper bound is exclusive");
                assertThrows(NoSuchElementException.class, it::peekValue);
                assertThrows(NoSuchElementException.class, it::skip);
                it.seek(Keys.partitionOffsetKey(1, 3));
                assertNull(it.peekKey(), "an exhausted scan stays exhausted");
            }
            StoreReads.Snapshot used = store.reads().snapshot().since(before);
            assertEquals(new StoreReads.Snapshot(0, 5, 1), used, "the scan's positioning, four seeks, one step");
            try (CloseableIterator<Entry> reverse = store.scanReverse(Column.SKIPPED, Keys.partitionOffsetKey(1, 0),
                    Keys.partitionOffsetKey(1, 9))) {
                assertThrows(UnsupportedOperationException.class, () -> reverse.seek(Keys.partitionOffsetKey(1, 3)));
            }
        }
    }

    @Test
    void shouldNotBleedAPrefixScanIntoAVmWhoseIdExtendsIt() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            writeCheckpoints(store, "vm-1", 1, 2);
            writeCheckpoints(store, "vm-10", 3);
            writeCheckpoints(store, "vm-1a", 4);
            assertEquals(List.of(1L, 2L), checkpointOffsets(store, "vm-1"));
            List<Entry> reverse = new ArrayList<>();
            try (CloseableIterator<Entry> it = store.scanReverse(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"), Keys.prefixEnd(Keys.vmPrefix("vm-1")))) {
                it.forEachRemaining(reverse::add);
            }
            assertEquals(List.of(2L, 1L), reverse.stream().map(e -> Keys.decodeVmOffsetKey(e.key()).offset()).toList());
        }
    }

    // ------------------------------------------------------------------------ modes

    @Test
    void shouldLetASecondarySeeThePrimarysWritesAfterCatchUp() {
        try (LedgerStore primary = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            write(primary, Column.VM_STATE, Keys.vmKey("vm-1"), bytes("v1"));
            try (LedgerStore secondary = LedgerStore.open(dir(), OpenMode.secondary(tmp.resolve("secondary")))) {
                assertArrayEquals(bytes("v1"), secondary.get(Column.VM_STATE, Keys.vmKey("vm-1")));

                write(primary, Column.VM_STATE, Keys.vmKey("vm-1"), bytes("v2"));
                write(primary, Column.VM_STATE, Keys.vmKey("vm-2"), bytes("w1"));
                assertArrayEquals(bytes("v1"), secondary.get(Column.VM_STATE, Keys.vmKey("vm-1")), "not yet caught up");

                secondary.catchUp();

                assertArrayEquals(bytes("v2"), secondary.get(Column.VM_STATE, Keys.vmKey("vm-1")));
                assertArrayEquals(bytes("w1"), secondary.get(Column.VM_STATE, Keys.vmKey("vm-2")));
                StoreException e = assertThrows(StoreException.class, secondary::newBatch);
                assertTrue(e.getMessage().contains("SECONDARY"), e.getMessage());

                // Flushed data (new SST files) is followed too.
                write(primary, Column.VM_STATE, Keys.vmKey("vm-3"), bytes("x1"));
                primary.flush();
                secondary.catchUp();
                assertArrayEquals(bytes("x1"), secondary.get(Column.VM_STATE, Keys.vmKey("vm-3")));
                assertTrue(secondary.approximateSizeOnDisk() > 0);
            }
        }
    }

    @Test
    void shouldRejectWritesInReadOnlyModeNamingPathAndMode() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            write(store, Column.VM_STATE, Keys.vmKey("vm-1"), bytes("v"));
        }
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.READ_ONLY)) {
            assertArrayEquals(bytes("v"), store.get(Column.VM_STATE, Keys.vmKey("vm-1")));
            StoreException e = assertThrows(StoreException.class, store::newBatch);
            assertTrue(e.getMessage().contains(dir().toAbsolutePath().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("READ_ONLY"), e.getMessage());
            assertEquals("newBatch", e.operation());
            assertThrows(StoreException.class, store::flush);
            assertThrows(StoreException.class, store::compactRange);
            assertThrows(StoreException.class, store::catchUp);
        }
    }

    @Test
    void shouldRefuseToOpenAMissingStoreReadOnly() {
        StoreException e = assertThrows(StoreException.class, () -> LedgerStore.open(dir(), OpenMode.READ_ONLY));
        assertTrue(e.getMessage().contains("no RocksDB store here"), e.getMessage());
        assertFalse(Files.exists(dir()), "read-only open must not create anything");
    }

    @Test
    void shouldRefuseASecondPrimaryWithAnErrorNamingThePath() {
        try (LedgerStore first = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            StoreException e = assertThrows(StoreException.class, () -> LedgerStore.open(dir(), OpenMode.PRIMARY));
            assertTrue(e.getMessage().contains(dir().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("open PRIMARY"), e.getMessage());
            assertTrue(e.getMessage().endsWith(RocksHandle.LOCKED), "the held lock explained in words: " + e.getMessage());
            assertDoesNotThrow(() -> write(first, Column.META, Keys.metaTopicKey(), bytes("t")), "the first one is unaffected");
        }
    }

    /** An older store (the previous format, -1) and a newer one (+1) alike: both are refused with the rebuild. */
    @ParameterizedTest
    @ValueSource(longs = {-1, 1})
    void shouldRefuseAStoreWithAnotherFormatVersion(long delta) {
        long other = LedgerStore.FORMAT_VERSION + delta;
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            assertEquals(Optional.of(LedgerStore.FORMAT_VERSION), store.getLong(Column.META, Keys.metaFormatVersionKey()));
            try (Batch batch = store.newBatch()) {
                store.write(batch.putLong(Column.META, Keys.metaFormatVersionKey(), other));
            }
        }
        StoreException e = assertThrows(StoreException.class, () -> LedgerStore.open(dir(), OpenMode.PRIMARY));
        assertTrue(e.getMessage().contains("format version " + other), e.getMessage());
        assertTrue(e.getMessage().contains("mtrr rebuild"), e.getMessage());
        // The failed open released its lock and handles: the store can be destroyed and recreated.
        LedgerStore.destroy(dir());
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            assertEquals(Optional.of(LedgerStore.FORMAT_VERSION), store.getLong(Column.META, Keys.metaFormatVersionKey()));
        }
    }

    @Test
    void shouldTellAFormatVersion1StoreFromANewerOneAndAskForARebuild() throws Exception {
        // Version 1 kept the log twice: "events" by (partition, offset) and a "vm-events" index.
        try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true);
                org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, dir().toString());
                org.rocksdb.ColumnFamilyOptions cf = new org.rocksdb.ColumnFamilyOptions()) {
            for (String name : List.of("meta", "events", "vm-events")) {
                db.createColumnFamily(new org.rocksdb.ColumnFamilyDescriptor(name.getBytes(UTF_8), cf)).close();
            }
        }
        StoreException e = assertThrows(StoreException.class, () -> LedgerStore.open(dir(), OpenMode.PRIMARY));
        assertTrue(e.getMessage().contains("format version 1"), e.getMessage());
        assertTrue(e.getMessage().contains("mtrr rebuild"), e.getMessage());
        assertFalse(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void shouldReportAMalformedLongValueWithPathAndKey() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            write(store, Column.META, OFFSET_KEY, bytes("abc"));
            StoreException e = assertThrows(StoreException.class, () -> store.getLong(Column.META, OFFSET_KEY));
            assertTrue(e.getMessage().contains("getLong META"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------------ lifecycle

    @Test
    void shouldTolerateClosingTwiceAndFailCleanlyAfterClose() {
        LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY);
        store.close();
        assertDoesNotThrow(store::close);
        StoreException e = assertThrows(StoreException.class, () -> store.get(Column.META, OFFSET_KEY));
        assertTrue(e.getMessage().contains("store is closed"), e.getMessage());
        assertThrows(StoreException.class, store::newBatch);
        assertThrows(StoreException.class, store::flush);
    }

    @Test
    void shouldFailConcurrentReadersCleanlyWhenTheStoreClosesUnderThem() throws Exception {
        LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY);
        writeCheckpoints(store, "vm-1", 1, 2, 3);
        CountDownLatch reading = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Each reader counts down once it has read: the store closes while both are in their read loops.
            Future<Throwable> getter = pool.submit(() -> {
                try {
                    while (true) {
                        store.get(Column.CHECKPOINTS, Keys.vmOffsetKey("vm-1", 2));
                        reading.countDown();
                    }
                } catch (StoreException e) {
                    return e;
                }
            });
            Future<Throwable> scanner = pool.submit(() -> {
                try {
                    while (true) {
                        keys(store.scanPrefix(Column.CHECKPOINTS, Keys.vmPrefix("vm-1")));
                        reading.countDown();
                    }
                } catch (StoreException e) {
                    return e;
                }
            });
            assertTrue(reading.await(10, TimeUnit.SECONDS), "both readers read before the close");
            store.close();
            for (Future<Throwable> f : List.of(getter, scanner)) {
                Throwable t = f.get(10, TimeUnit.SECONDS);
                assertTrue(t.getMessage().contains("store is closed"), t.getMessage());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldCloseIteratorsAndBatchesLeftOpenWhenTheStoreCloses() {
        LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY);
        writeCheckpoints(store, "vm-1", 1, 2, 3);
        CloseableIterator<Entry> it = store.scanPrefix(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"));
        assertNotNull(it.next());
        Batch batch = store.newBatch();
        batch.put(Column.META, OFFSET_KEY, Values.ofLong(1));

        store.close();

        StoreException e = assertThrows(StoreException.class, it::hasNext);
        assertTrue(e.getMessage().contains("store is closed"), e.getMessage());
        assertThrows(StoreException.class, () -> batch.put(Column.META, OFFSET_KEY, Values.ofLong(2)));
        assertDoesNotThrow(it::close);
        assertDoesNotThrow(batch::close);
    }

    @Test
    void shouldReleaseAnExhaustedIteratorAndKeepReportingTheEnd() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            writeCheckpoints(store, "vm-1", 1);
            CloseableIterator<Entry> it = store.scanPrefix(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"));
            it.next();
            assertFalse(it.hasNext());
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
            it.close();
            CloseableIterator<Entry> closedEarly = store.scanPrefix(Column.CHECKPOINTS, Keys.vmPrefix("vm-1"));
            closedEarly.close();
            StoreException e = assertThrows(StoreException.class, closedEarly::hasNext);
            assertTrue(e.getMessage().contains("iterator is closed"), e.getMessage());
        }
    }

    @Test
    void shouldDestroyTheStore() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY, Durability.SYNC)) {
            writeCheckpoints(store, "vm-1", 1, 2);
            store.flush();
            store.compactRange();
            StoreException e = assertThrows(StoreException.class, () -> LedgerStore.destroy(dir()),
                    "an open store must not be destroyed under its owner");
            assertEquals("destroy", e.operation());
        }
        LedgerStore.destroy(dir());
        assertFalse(Files.exists(dir()));
        assertDoesNotThrow(() -> LedgerStore.destroy(dir()), "destroying nothing is fine");
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY)) {
            assertEquals(List.of(), checkpointOffsets(store, "vm-1"));
        }
    }

    @Test
    void shouldRefuseToDestroyADirectoryThatIsNotAStore() throws IOException {
        Path notAStore = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(notAStore.resolve("precious.txt"), "keep me");
        assertThrows(StoreException.class, () -> LedgerStore.destroy(notAStore));
        assertTrue(Files.exists(notAStore.resolve("precious.txt")));
    }

    // ------------------------------------------------------------------------ helpers

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static void write(LedgerStore store, Column c, byte[] key, byte[] value) {
        try (Batch batch = store.newBatch()) {
            store.write(batch.put(c, key, value));
        }
    }

    private static void writeCheckpoints(LedgerStore store, String vm, long... offsets) {
        try (Batch batch = store.newBatch()) {
            for (long o : offsets) {
                batch.put(Column.CHECKPOINTS, Keys.vmOffsetKey(vm, o), bytes(vm + " state@" + o));
            }
            store.write(batch);
        }
    }

    private static Long floorOffset(LedgerStore store, String vm, long offset) {
        Entry e = store.floor(Column.CHECKPOINTS, Keys.vmPrefix(vm), Keys.vmOffsetKey(vm, offset));
        if (e == null) {
            return null;
        }
        Keys.VmOffset key = Keys.decodeVmOffsetKey(e.key());
        assertEquals(vm, key.vm());
        return key.offset();
    }

    private static List<Long> checkpointOffsets(LedgerStore store, String vm) {
        List<Long> result = new ArrayList<>();
        for (byte[] k : keys(store.scanPrefix(Column.CHECKPOINTS, Keys.vmPrefix(vm)))) {
            Keys.VmOffset key = Keys.decodeVmOffsetKey(k);
            assertEquals(vm, key.vm());
            result.add(key.offset());
        }
        return result;
    }

    private static List<byte[]> keys(CloseableIterator<Entry> entries) {
        List<byte[]> result = new ArrayList<>();
        try (entries) {
            entries.forEachRemaining(e -> result.add(e.key()));
        }
        return result;
    }

    private static List<Long> offsets(CloseableIterator<Entry> events) {
        return keys(events).stream().map(k -> Keys.decodePartitionOffsetKey(k).offset()).toList();
    }
}
